package io.pigsty.monitor.prometheus;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.PigstyException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * INFRA: the monitoring stack of every infra node, playbook {@code infra} (run before
 * {@code pgsql}). Debian packages, {@link InfraArtifacts}' files, the generated
 * {@code prometheus.yml} and rules ({@link PrometheusArtifacts}), and the targets no cluster owns
 * (the infra services, etcd, nodes outside any cluster, their {@code ping} targets). The TSDB reloads
 * (SIGHUP) when its scrape config or rules change; Alertmanager and the blackbox exporter restart
 * when their files change; target files need nothing, file_sd re-reads them.
 */
public final class InfraModule implements PigstyModule {
    static final String PHASE = "infra";
    /** The CA the etcd and Patroni (patroni_ssl_enabled) jobs verify with: the PKI module's {@code /etc/pki/ca.crt} (monitor does not depend on PKI). */
    static final String SCRAPE_CA = "/etc/pki/ca.crt";

    @Override
    public String name() {
        return "INFRA";
    }

    /** The PKI module's client certificate of an infra node (Pigsty's {@code /etc/pki/infra.crt} and {@code .key}, root's). */
    static final String INFRA_CERT = "/etc/pki/infra";
    /** The TSDB's own copy of it: the key readable by the TSDB's user only. */
    static final String TSDB_TLS_DIR = InfraArtifacts.ETC + "/tls";

    /**
     * The TSDB (after its package made its user) gets its copy of the node's client certificate, so
     * the key stays root's in /etc/pki and the TSDB's alone here; a renewed certificate is copied again
     * and the TSDB restarted to use it.
     */
    static io.pigsty.api.step.Step tsdbClientCertificate(String user, String unit) {
        String crt = TSDB_TLS_DIR + "/infra.crt";
        String key = TSDB_TLS_DIR + "/infra.key";
        return Steps.command("tls:tsdb-client-cert", "the TSDB's copy of " + INFRA_CERT + ".crt and its key (owner " + user + ", 0600)",
                Command.shell("cmp -s " + INFRA_CERT + ".crt " + crt + " && cmp -s " + INFRA_CERT + ".key " + key
                        + " && [ \"$(stat -c %U:%a " + key + ")\" = " + user + ":600 ]").build(),
                Command.shell("install -d -m 0755 -o root -g root " + TSDB_TLS_DIR + " && install -m 0644 -o root -g root "
                        + INFRA_CERT + ".crt " + crt + " && install -m 0600 -o " + user + " -g root " + INFRA_CERT + ".key " + key
                        + " && systemctl try-restart " + unit).build());
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        if (!ctx.playbook().name().equals("infra")) {
            return;
        }
        Inventory inv = ctx.inventory();
        List<Node> nodes = inv.infra().map(g -> g.nodes()).orElse(List.of());
        if (nodes.isEmpty()) {
            throw new PigstyException("infra: the inventory has no infra group (all.children.infra.hosts)");
        }
        // with the PKI module etcd speaks TLS; the CA that module puts on every node verifies it
        boolean pki = ctx.hasModule("PKI");
        PrometheusArtifacts prom = pki ? PrometheusArtifacts.builder(inv).caFile(SCRAPE_CA)
                .etcdClientCertificate(TSDB_TLS_DIR + "/infra.crt", TSDB_TLS_DIR + "/infra.key").build() : PrometheusArtifacts.of(inv);
        for (Node n : nodes) {
            Host h = MonitorModule.infraHost(n);
            InfraArtifacts a = InfraArtifacts.of(inv, n);
            String tsdb = a.victoria() ? "victoria-metrics" : "prometheus";
            Command reloadTsdb = Command.of("systemctl", "try-reload-or-restart", a.victoria() ? "vmalert" : "prometheus");
            plan.add(PHASE, h, MonitorModule.packages(a.packages()));
            plan.add(PHASE, h, Steps.directory(InfraArtifacts.ETC, "0755", "root", "root"));
            if (pki) {
                plan.add(PHASE, h, tsdbClientCertificate(a.victoria() ? "_victoria-metrics" : "prometheus", tsdb));
            }
            plan.add(PHASE, h, Steps.directory(prom.rulesDir(), "0755", "root", "root"));
            plan.add(PHASE, h, Steps.directory(prom.targetsDir(), "0755", "root", "root"));
            for (Map.Entry<String, String> d : a.defaults().entrySet()) {
                String unit = d.getKey().substring("/etc/default/".length());
                plan.add(PHASE, h, Steps.file(FileSpec.text(d.getKey(), d.getValue(), "0644", "root"),
                        Command.of("systemctl", "try-restart", unit)));
            }
            // VictoriaMetrics re-reads its scrape config on SIGHUP too; with Prometheus the rules come along
            Command reloadScrape = Command.of("systemctl", "try-reload-or-restart", tsdb);
            plan.add(PHASE, h, Steps.file(FileSpec.text(InfraArtifacts.ETC + "/prometheus.yml", prom.prometheusYml(), "0644",
                    "root"), reloadScrape));
            for (Map.Entry<String, String> r : PrometheusArtifacts.ruleFiles().entrySet()) {
                plan.add(PHASE, h, Steps.file(FileSpec.text(prom.rulesDir() + "/" + r.getKey().substring("rules/".length()),
                        r.getValue(), "0644", "root"), reloadTsdb));
            }
            if (a.victoria()) {
                plan.add(PHASE, h, Steps.file(FileSpec.text("/etc/systemd/system/vmalert.service", a.vmalertUnit(), "0644",
                        "root"), Command.of("systemctl", "daemon-reload"), Command.of("systemctl", "try-restart", "vmalert")));
            }
            if (a.services().contains("prometheus-alertmanager")) {
                plan.add(PHASE, h, Steps.file(FileSpec.text(InfraArtifacts.ETC + "/alertmanager.yml", a.alertmanagerYml(),
                        "0644", "root"), Command.of("systemctl", "try-reload-or-restart", "prometheus-alertmanager")));
            }
            if (a.services().contains("prometheus-blackbox-exporter")) {
                plan.add(PHASE, h, Steps.file(FileSpec.text(InfraArtifacts.ETC + "/blackbox.yml", a.blackboxYml(), "0644",
                        "root"), Command.of("systemctl", "try-reload-or-restart", "prometheus-blackbox-exporter")));
                String dropIn = "/etc/systemd/system/prometheus-blackbox-exporter.service.d";
                plan.add(PHASE, h, Steps.directory(dropIn, "0755", "root", "root"));
                plan.add(PHASE, h, Steps.file(FileSpec.text(dropIn + "/pigsty.conf", a.blackboxDropIn(), "0644", "root"),
                        Command.of("systemctl", "daemon-reload"),
                        Command.of("systemctl", "try-restart", "prometheus-blackbox-exporter")));
            }
            MonitorModule.writeTargets(plan, h, prom, prom.sharedTargets());
            for (String s : a.services()) {
                plan.add(PHASE, h, Steps.service(s, true, true));
            }
            String health = a.victoria() ? "/health" : "/-/ready";
            plan.add(PHASE, h, Steps.waitFor("wait:" + tsdb, tsdb + " ready on :" + a.tsdbPort(),
                    Command.shell("curl -fsS -o /dev/null http://127.0.0.1:" + a.tsdbPort() + health).build(),
                    Duration.ofSeconds(90), Duration.ofSeconds(1)));
        }
    }
}
