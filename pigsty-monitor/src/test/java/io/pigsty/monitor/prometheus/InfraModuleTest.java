package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.step.Step;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.monitor.CollectorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfraModuleTest {
    static final Inventory SANDBOX = Inventory.sample("sandbox");

    static List<String> ids(Plan plan) {
        return plan.phases().stream().flatMap(p -> p.steps().values().stream()).flatMap(List::stream).map(Step::id).toList();
    }

    @Test
    void infra_installsPrometheusAlertmanagerBlackboxAndTheSharedTargets() {
        Plan plan = Pigsty.builder().inventory(SANDBOX).build().plan(Playbook.infra());
        assertThat(plan.hosts()).extracting(h -> h.address()).containsExactly("10.213.0.10");
        List<String> ids = ids(plan);
        assertThat(ids).contains("monitor:packages", "file:/etc/prometheus/prometheus.yml", "file:/etc/prometheus/rules/pgsql.yml",
                "file:/etc/default/prometheus", "file:/etc/prometheus/alertmanager.yml", "file:/etc/prometheus/blackbox.yml",
                "file:/etc/prometheus/targets/etcd/etcd-1.yml", "file:/etc/prometheus/targets/infra/infra-1-prometheus.yml",
                "service:prometheus", "service:prometheus-alertmanager", "service:prometheus-blackbox-exporter",
                "service:prometheus-node-exporter", "wait:prometheus")
                // members are registered by their own pgsql playbook
                .noneMatch(id -> id.contains("targets/pgsql/"));
        String text = plan.render().toText();
        assertThat(text).contains("apt-get install -y -q --no-install-recommends prometheus prometheus-alertmanager "
                + "prometheus-blackbox-exporter prometheus-node-exporter")
                .contains("--storage.tsdb.retention.time=15d").contains("--cluster.listen-address=")
                .contains("AmbientCapabilities=CAP_NET_RAW").doesNotContain("vmalert");
        assertThat(ids.indexOf("file:/etc/prometheus/prometheus.yml")).isLessThan(ids.indexOf("service:prometheus"));
    }

    @Test
    void infra_withVictoriaMetricsRunsVmalertInstead() {
        Inventory vm = SANDBOX.toBuilder().set(Params.VMETRICS_ENABLED, true).build();
        Plan plan = Pigsty.builder().inventory(vm).build().plan(Playbook.infra());
        List<String> ids = ids(plan);
        assertThat(ids).contains("file:/etc/default/victoria-metrics", "file:/etc/systemd/system/vmalert.service",
                "service:victoria-metrics", "service:vmalert", "wait:victoria-metrics",
                "file:/etc/prometheus/targets/infra/infra-1-vmalert.yml").doesNotContain("service:prometheus");
        assertThat(plan.render().toText()).contains("-promscrape.config=/etc/prometheus/prometheus.yml")
                .contains("-notifier.url=http://127.0.0.1:9093").doesNotContain("rule_files");
    }

    @Test
    void infra_reappliedChangesNothing() {
        Pigsty p = Pigsty.builder().inventory(SANDBOX).build();
        Inventory longer = SANDBOX.toBuilder().var("prometheus_retention", "30d").build();
        var infra = p.plan(Playbook.infra());
        var infraLonger = Pigsty.builder().inventory(longer).build().plan(Playbook.infra());
        // the strict dry run accepts what these plans' own steps do
        DryRunExecutor dry = DryRunExecutor.builder().model(infra).model(infraLonger).build();
        ApplyResult first = infra.apply(dry, PlanListener.NONE);
        assertThat(first.ok()).as(first.summary()).isTrue();
        dry.clearLog();
        ApplyResult second = infra.apply(dry, PlanListener.NONE);
        assertThat(second.changedSteps()).isEmpty();
        assertThat(dry.recorded()).noneMatch(r -> r.detail().contains("reload") || r.detail().contains("restart"));
        // a new retention restarts the TSDB, and nothing else
        dry.clearLog();
        ApplyResult third = infraLonger.apply(dry, PlanListener.NONE);
        assertThat(third.changedSteps()).hasSize(1).allMatch(s -> s.contains("/etc/default/prometheus"));
        assertThat(dry.recorded()).filteredOn(r -> r.detail().contains("restart")).extracting(DryRunExecutor.Recorded::detail)
                .containsExactly("systemctl try-restart prometheus");
    }

    @Test
    void theDeployedCollectorDirectoryIsWhatTheExporterLoads(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, String> f : ExporterUnits.collectorFiles().entrySet()) {
            assertThat(f.getKey()).startsWith(ExporterUnits.CONFIG_DIR + "/");
            Files.writeString(dir.resolve(f.getKey().substring(ExporterUnits.CONFIG_DIR.length() + 1)), f.getValue());
        }
        CollectorSet deployed = CollectorSet.load(dir);
        assertThat(deployed.collectors()).isNotEmpty().isEqualTo(CollectorSet.defaults().collectors());
        assertThat(deployed.metricNames(150000)).isEqualTo(CollectorSet.defaults().metricNames(150000));
    }

    @Test
    void theUnitsJvmFlagsAreAcceptedByTheJvm() throws Exception {
        String flags = Params.PG_EXPORTER_JVM_OPTIONS.defaultValue().orElseThrow();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(flags.split(" ")));
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void withPki_theEtcdJobScrapesHttpsVerifiedByTheNodeCa_otherJobsStayHttp() {
        io.pigsty.pki.Pki pki = io.pigsty.pki.Pki.create(io.pigsty.pki.CaSpec.pigstyDefault());
        Plan tls = Pigsty.builder().inventory(SANDBOX).module(new io.pigsty.pki.PkiModule(pki)).build().plan(Playbook.infra());
        String yml = prometheusYml(tls);
        String etcd = yml.substring(yml.indexOf("job_name: etcd"));
        etcd = etcd.substring(0, Math.max(etcd.indexOf("- job_name"), 0) > 0 ? etcd.indexOf("- job_name") : etcd.length());
        assertThat(etcd).contains("scheme: https", "ca_file: " + io.pigsty.pki.PkiModule.NODE_CA,
                "cert_file: /etc/prometheus/tls/infra.crt", "key_file: /etc/prometheus/tls/infra.key");
        // the TSDB's copy of the PKI module's /etc/pki/infra.{crt,key}, made after its package made its user
        String text = tls.render().toText(true);
        assertThat(text).contains("install -m 0600 -o prometheus -g root /etc/pki/infra.key /etc/prometheus/tls/infra.key");
        assertThat(text.indexOf("tls:tsdb-client-cert")).isGreaterThan(text.indexOf("monitor:packages")).isLessThan(text.indexOf("file:/etc/prometheus/prometheus.yml"));
        assertThat(yml.split("scheme: https", -1)).as(yml).hasSize(2);
        // the CA file the job names is one the same plan writes
        assertThat(ids(tls)).contains("file:" + io.pigsty.pki.PkiModule.NODE_CA);
        Plan plain = Pigsty.builder().inventory(SANDBOX).build().plan(Playbook.infra());
        assertThat(prometheusYml(plain)).doesNotContain("scheme: https").doesNotContain("ca_file");
    }

    private static String prometheusYml(Plan plan) {
        DryRunExecutor dry = DryRunExecutor.builder().model(plan).build();
        plan.apply(dry, PlanListener.NONE);
        return dry.filesWritten("10.213.0.10").get("/etc/prometheus/prometheus.yml");
    }
}
