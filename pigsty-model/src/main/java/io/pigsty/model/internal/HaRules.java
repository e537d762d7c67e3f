package io.pigsty.model.internal;

import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import java.util.stream.Collectors;

/**
 * HA rules that used to fail only while planning: Patroni keeps its state in etcd, so an
 * inventory with a PG cluster needs an etcd group with at least one member.
 */
final class HaRules {
    private final Findings f;

    HaRules(Findings f) {
        this.f = f;
    }

    void check(Inventory inv) {
        if (inv.clusters().isEmpty()) {
            return;
        }
        String names = inv.clusters().stream().map(PgCluster::name).collect(Collectors.joining(", "));
        if (inv.etcd().isEmpty()) {
            f.error("all.children.etcd", "missing: Patroni needs an etcd group as its DCS (cluster "
                    + names + "); add all.children.etcd with at least one host and its etcd_seq");
        } else if (inv.etcd().get().nodes().isEmpty()) {
            f.error("all.children.etcd.hosts", "the etcd group has no member: Patroni needs one as its DCS (cluster "
                    + names + ")");
        }
    }
}
