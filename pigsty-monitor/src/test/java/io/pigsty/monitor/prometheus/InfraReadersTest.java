package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The infra node's and the exporters' generated files, each checked by the program that reads it. */
class InfraReadersTest {
    static final Inventory SANDBOX = Inventory.sample("sandbox");

    static Inventory with(Map<String, Object> vars) {
        Inventory.Builder b = SANDBOX.toBuilder();
        vars.forEach(b::var);
        return b.build();
    }

    static Node meta(Inventory inv) {
        return inv.infra().orElseThrow().nodes().get(0);
    }

    @Test
    void promtoolAcceptsRemoteWriteAndThePingJob(@TempDir Path dir) throws Exception {
        Inventory inv = with(Map.of("prometheus_remote_write", List.of("http://10.0.0.9:8428/api/v1/write",
                "https://mimir.example.com/api/v1/push")));
        PrometheusArtifacts p = PrometheusArtifacts.builder(inv).targetsDir("targets").rulesDir("rules").build();
        p.writeTo(dir);
        String yml = Files.readString(dir.resolve("prometheus.yml"));
        assertThat(yml).contains("remote_write:").contains("url: https://mimir.example.com/api/v1/push");
        Promtool.Result r = Promtool.run(dir, "check", "config", "prometheus.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        // proves the reader bites on this section: a remote write URL that is not a URL
        Files.writeString(dir.resolve("prometheus.yml"), yml.replace("url: https://mimir", "url: ://mimir"));
        assertThat(Promtool.run(dir, "check", "config", "prometheus.yml").exit()).isNotZero();
    }

    @Test
    void victoriaMetricsDryRunAcceptsItsScrapeConfig(@TempDir Path dir) throws Exception {
        String vm = RealTool.require("/usr/bin/victoria-metrics", "victoria-metrics").toString();
        Inventory inv = with(Map.of("vmetrics_enabled", true));
        PrometheusArtifacts p = PrometheusArtifacts.builder(inv).targetsDir("targets").rulesDir("rules").build();
        assertThat(p.victoriaMetrics()).isTrue();
        p.writeTo(dir);
        RealTool.Result r = RealTool.run(dir, vm, "-promscrape.config=prometheus.yml", "-dryRun", "-loggerLevel=ERROR");
        assertThat(r.exit()).as(r.output()).isZero();
        // Prometheus' own flavour has fields VictoriaMetrics' strict parser refuses: the check bites
        PrometheusArtifacts.builder(SANDBOX).targetsDir("targets").rulesDir("rules").build().writeTo(dir);
        RealTool.Result bad = RealTool.run(dir, vm, "-promscrape.config=prometheus.yml", "-dryRun", "-loggerLevel=ERROR");
        assertThat(bad.exit()).as(bad.output()).isNotZero();
        assertThat(bad.output()).contains("rule_files");
    }

    @Test
    void vmalertDryRunAcceptsTheBundledRules(@TempDir Path dir) throws Exception {
        String vmalert = RealTool.require("/usr/bin/vmalert", "victoria-metrics").toString();
        PrometheusArtifacts.of(SANDBOX).artifacts().writeTo(dir);
        RealTool.Result r = RealTool.run(dir, vmalert, "-dryRun", "-rule=rules/*.yml", "-loggerLevel=ERROR");
        assertThat(r.exit()).as(r.output()).isZero();
        Files.writeString(dir.resolve("rules/broken.yml"), "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: 'up{'\n");
        assertThat(RealTool.run(dir, vmalert, "-dryRun", "-rule=rules/*.yml", "-loggerLevel=ERROR").exit()).isNotZero();
    }

    @Test
    void amtoolAcceptsAlertmanagerYml(@TempDir Path dir) throws Exception {
        String amtool = RealTool.require("/usr/bin/amtool", "prometheus-alertmanager").toString();
        InfraArtifacts a = InfraArtifacts.of(SANDBOX, meta(SANDBOX));
        Files.writeString(dir.resolve("alertmanager.yml"), a.alertmanagerYml());
        RealTool.Result r = RealTool.run(dir, amtool, "check-config", "alertmanager.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS").contains("1 receivers");
        Files.writeString(dir.resolve("bad.yml"), a.alertmanagerYml().replace("receiver: default", "receiver: nobody"));
        assertThat(RealTool.run(dir, amtool, "check-config", "bad.yml").exit()).isNotZero();
    }

    @Test
    void blackboxExporterAcceptsBlackboxYml(@TempDir Path dir) throws Exception {
        String bb = RealTool.require("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter").toString();
        InfraArtifacts a = InfraArtifacts.of(SANDBOX, meta(SANDBOX));
        Files.writeString(dir.resolve("blackbox.yml"), a.blackboxYml());
        RealTool.Result r = RealTool.run(dir, bb, "--config.check", "--config.file=blackbox.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        Files.writeString(dir.resolve("bad.yml"), a.blackboxYml().replace("    icmp:\n", "    icmpp:\n"));
        assertThat(RealTool.run(dir, bb, "--config.check", "--config.file=bad.yml").exit()).isNotZero();
    }

    @Test
    void systemdAnalyzeVerifiesTheUnits(@TempDir Path dir) throws Exception {
        String sa = RealTool.require("/usr/bin/systemd-analyze", "systemd").toString();
        RealTool.require("/usr/bin/vmalert", "victoria-metrics");
        RealTool.require("/usr/bin/java", "default-jre-headless");
        PgCluster c = SANDBOX.requireCluster("pg-test");
        List<ExporterUnits.Unit> units = ExporterUnits.forMember(SANDBOX, c, c.instances().get(0));
        // one JVM per member serves PostgreSQL and PgBouncer on Pigsty's two ports
        assertThat(units).extracting(ExporterUnits.Unit::name).containsExactly("pg_exporter");
        assertThat(units.get(0).ports()).containsExactly(9630, 9631);
        assertThat(units.get(0).envFile()).contains("PGBOUNCER_EXPORTER_URL='postgres://");
        Inventory bouncerOnly = with(Map.of("pg_exporter_enabled", false));
        List<ExporterUnits.Unit> only = ExporterUnits.forMember(bouncerOnly, bouncerOnly.requireCluster("pg-test"),
                bouncerOnly.requireCluster("pg-test").instances().get(0));
        assertThat(only).extracting(ExporterUnits.Unit::name).containsExactly("pgbouncer_exporter");
        units = new java.util.ArrayList<>(units);
        units.addAll(only);
        for (ExporterUnits.Unit u : units) {
            Path f = dir.resolve(u.name() + ".service");
            // verify checks EnvironmentFile= only when started; point it at a real file anyway
            Files.writeString(dir.resolve(u.name() + ".env"), u.envFile());
            Files.writeString(f, u.unitFile().replace(u.envPath(), dir.resolve(u.name() + ".env").toString()));
            RealTool.Result r = RealTool.run(dir, sa, "verify", "--man=no", f.toString());
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).as(u.name()).doesNotContain(u.name() + ".service:");
        }
        Inventory vm = with(Map.of("vmetrics_enabled", true));
        Path vmalert = dir.resolve("vmalert.service");
        Files.writeString(vmalert, InfraArtifacts.of(vm, meta(vm)).vmalertUnit());
        RealTool.Result r = RealTool.run(dir, sa, "verify", "--man=no", vmalert.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("vmalert.service:");
        // the check bites: an unknown directive is reported
        Path bad = dir.resolve("bad-exporter.service");
        Files.writeString(bad, units.get(0).unitFile().replace("[Service]\n", "[Service]\nExecStartt=/bin/true\n"));
        assertThat(RealTool.run(dir, sa, "verify", "--man=no", bad.toString()).output()).contains("ExecStartt");
    }
}
