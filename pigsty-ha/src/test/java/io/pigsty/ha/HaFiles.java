package io.pigsty.ha;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.step.Step;
import io.pigsty.model.Inventory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a plan offline and collects the files it would write on one host. */
final class HaFiles {
    private HaFiles() {
    }

    static Plan plan(Inventory inv, Playbook pb) {
        return Pigsty.builder().inventory(inv).serviceLoader(false).module(new EtcdModule()).module(new PatroniModule())
                .module(new HaproxyModule()).module(new VipModule()).build().plan(pb);
    }

    /** One CA for every TLS plan of the tests: creating a key pair per plan would only cost time. */
    static final io.pigsty.pki.Pki PKI = io.pigsty.pki.Pki.create(io.pigsty.pki.CaSpec.pigstyDefault());

    /** The same modules as {@link #plan}, plus PKI: certificates in /pg/cert, TLS on. */
    static Plan planTls(Inventory inv, Playbook pb) {
        return Pigsty.builder().inventory(inv).serviceLoader(false).module(new io.pigsty.pki.PkiModule(PKI)).module(new EtcdModule())
                .module(new PatroniModule()).module(new HaproxyModule()).module(new VipModule()).build().plan(pb);
    }

    static Map<String, FileSpec> files(Plan plan, String host) {
        Map<String, FileSpec> out = new LinkedHashMap<>();
        for (Phase p : plan.phases()) {
            p.steps().forEach((h, steps) -> {
                if (h.address().equals(host)) {
                    for (Step s : steps) {
                        for (FileSpec f : s.render().files()) {
                            out.put(f.path(), f);
                        }
                    }
                }
            });
        }
        return out;
    }

    static List<String> hosts(Plan plan) {
        return plan.hosts().stream().map(h -> h.address()).toList();
    }
}
