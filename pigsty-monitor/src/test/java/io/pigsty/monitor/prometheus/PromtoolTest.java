package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.model.Inventory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The generated files, checked by the program that reads them: Prometheus' promtool. */
class PromtoolTest {
    static final String RULE_TEST = "rules-test/pgsql-test.yml";

    @Test
    void checkConfigAcceptsTheWrittenDirectoryWithRelativePaths(@TempDir Path dir) throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.builder(Inventory.sample("sandbox"))
                .targetsDir("targets").rulesDir("rules").build();
        p.writeTo(dir);
        Promtool.Result r = Promtool.run(dir, "check", "config", "prometheus.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        // promtool found and checked the rule file through the relative glob
        assertThat(r.output()).contains("SUCCESS").contains("rules/pgsql.yml");
    }

    @Test
    void checkConfigAcceptsAbsolutePaths(@TempDir Path dir) throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.builder(Inventory.sample("sandbox"))
                .targetsDir(dir.resolve("targets").toString()).rulesDir(dir.resolve("rules").toString()).build();
        p.writeTo(dir);
        Promtool.Result r = Promtool.run(dir, "check", "config", dir.resolve("prometheus.yml").toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains(dir.resolve("rules/pgsql.yml").toString());
    }

    @Test
    void etcdOverTls_scrapesHttpsWithTheCa_andPromtoolAcceptsIt(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.crt");
        PrometheusArtifacts p = PrometheusArtifacts.builder(Inventory.sample("sandbox"))
                .targetsDir("targets").rulesDir("rules").caFile(ca.toString()).build();
        p.writeTo(dir);
        String yml = Files.readString(dir.resolve("prometheus.yml"));
        String etcdJob = yml.substring(yml.indexOf("job_name: etcd"));
        etcdJob = etcdJob.substring(0, etcdJob.indexOf("- job_name", 1) > 0 ? etcdJob.indexOf("- job_name", 1) : etcdJob.length());
        assertThat(etcdJob).contains("scheme: https").contains("ca_file: " + ca);
        // only etcd: the exporters still serve plain HTTP
        assertThat(yml.split("scheme: https", -1)).hasSize(2);
        // Debian 12's promtool checks the keys, not the file's content: that the CA verifies etcd is
        // MonitoringIT's (every target up on the TLS sandbox)
        Files.writeString(ca, io.pigsty.pki.Pki.create(io.pigsty.pki.CaSpec.pigstyDefault()).caCertificatePem());
        Promtool.Result r = Promtool.run(dir, "check", "config", "prometheus.yml");
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void patroniOverTls_membersOfThatClusterAreScrapedOverHttps_andPromtoolAcceptsIt(@TempDir Path dir) throws Exception {
        Inventory sandbox = Inventory.sample("sandbox");
        Inventory inv = sandbox.withCluster(sandbox.requireCluster("pg-test").toBuilder().var("patroni_ssl_enabled", true).build());
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, io.pigsty.pki.Pki.create(io.pigsty.pki.CaSpec.pigstyDefault()).caCertificatePem());
        PrometheusArtifacts p = PrometheusArtifacts.builder(inv).targetsDir("targets").rulesDir("rules").caFile(ca.toString()).build();
        p.writeTo(dir);
        String yml = Files.readString(dir.resolve("prometheus.yml"));
        String job = yml.substring(yml.indexOf("job_name: patroni"));
        job = job.substring(0, job.indexOf("- job_name", 1));
        // the job trusts the CA; the scheme is the target's, since patroni_ssl_enabled is a cluster's choice
        assertThat(job).contains("ca_file: " + ca).doesNotContain("scheme:");
        assertThat(Files.readString(dir.resolve("targets/patroni/pg-test-2.yml"))).contains("__scheme__: https");
        assertThat(Files.readString(dir.resolve("targets/patroni/pg-meta-1.yml"))).doesNotContain("__scheme__");
        Promtool.Result r = Promtool.run(dir, "check", "config", "prometheus.yml");
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void caFile_mustBeAnAbsolutePath() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PrometheusArtifacts.builder(Inventory.sample("sandbox"))
                .caFile("ca.crt")).isInstanceOf(io.pigsty.model.InvalidValueException.class).hasMessageContaining("caFile");
    }

    @Test
    void checkConfigRejectsABrokenConfig(@TempDir Path dir) throws Exception {
        // proves the check above can fail: a timeout longer than the interval is refused
        PrometheusArtifacts p = PrometheusArtifacts.builder(Inventory.sample("sandbox"))
                .targetsDir("targets").rulesDir("rules").build();
        p.writeTo(dir);
        Path yml = dir.resolve("prometheus.yml");
        Files.writeString(yml, Files.readString(yml).replace("scrape_timeout: 8s", "scrape_timeout: 80s"));
        Promtool.Result r = Promtool.run(dir, "check", "config", "prometheus.yml");
        assertThat(r.exit()).as(r.output()).isNotZero();
    }

    @Test
    void checkRulesAcceptsEveryBundledRuleFile(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, String> e : PrometheusArtifacts.ruleFiles().entrySet()) {
            Path f = dir.resolve(e.getKey().replace('/', '_'));
            Files.writeString(f, e.getValue());
            Promtool.Result r = Promtool.run(dir, "check", "rules", f.toString());
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("SUCCESS");
        }
    }

    @Test
    void unitTestsMakeEveryAlertFireAndResolve(@TempDir Path dir) throws Exception {
        writeRuleTest(dir, rules());
        Promtool.Result r = Promtool.run(dir, "test", "rules", "pgsql-test.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @ParameterizedTest
    @MethodSource("alertNames")
    void unitTestsFailWhenAnyAlertCanNoLongerFire(String alert, @TempDir Path dir) throws Exception {
        // mutation check: with this one alert's expression replaced by one that never matches,
        // the unit tests must fail and name it, so each alert's test really depends on its rule
        JsonNode tree = PrometheusArtifactsTest.YAML.readTree(rules());
        int replaced = 0;
        for (JsonNode g : tree.get("groups")) {
            for (JsonNode r : g.get("rules")) {
                if (alert.equals(r.path("alert").asText())) {
                    ((ObjectNode) r).put("expr", "vector(1) < 0");
                    replaced++;
                }
            }
        }
        assertThat(replaced).isEqualTo(1);
        writeRuleTest(dir, PrometheusArtifactsTest.YAML.writeValueAsString(tree));
        Promtool.Result r = Promtool.run(dir, "test", "rules", "pgsql-test.yml");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("alertname: " + alert);
    }

    static List<String> alertNames() throws IOException {
        return new ArrayList<>(MetricContract.alertRules().keySet());
    }

    @Test
    void unitTestsFailWhenAnAlertNeverResolves(@TempDir Path dir) throws Exception {
        String broken = rules().replace("expr: pg_uptime < 300", "expr: pg_uptime < 3000000");
        assertThat(broken).isNotEqualTo(rules());
        writeRuleTest(dir, broken);
        Promtool.Result r = Promtool.run(dir, "test", "rules", "pgsql-test.yml");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("PostgresRestart");
    }

    @Test
    void everyAlertHasAFiringAndALaterResolvedCase() throws Exception {
        List<String> alerts = new ArrayList<>();
        for (JsonNode g : PrometheusArtifactsTest.YAML.readTree(rules()).get("groups")) {
            for (JsonNode rule : g.get("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule.get("alert").asText());
                    assertThat(rule.at("/labels/severity").asText()).as(rule.toString()).isIn("CRIT", "WARN", "INFO");
                    assertThat(rule.at("/annotations/summary").asText()).isNotBlank();
                    assertThat(rule.at("/annotations/description").asText()).isNotBlank();
                }
            }
        }
        assertThat(alerts).contains("PostgresDown", "PatroniDown", "PgbouncerDown", "PgExporterDown",
                "PostgresReplicationLag", "PostgresReplicationBreak", "PostgresXidWraparound",
                "PostgresConnUsageHigh", "PostgresIdleInXact", "PostgresRestart");
        Map<String, List<long[]>> cases = new LinkedHashMap<>(); // alert -> [eval seconds, firing count]
        for (JsonNode t : PrometheusArtifactsTest.YAML.readTree(resource(RULE_TEST)).get("tests")) {
            for (JsonNode c : t.path("alert_rule_test")) {
                long at = seconds(c.get("eval_time").asText());
                cases.computeIfAbsent(c.get("alertname").asText(), k -> new ArrayList<>())
                        .add(new long[] {at, c.get("exp_alerts").size(), System.identityHashCode(t)});
            }
        }
        for (String a : alerts) {
            List<long[]> cs = cases.getOrDefault(a, List.of());
            boolean firesThenResolves = cs.stream().anyMatch(fire -> fire[1] > 0 && cs.stream().anyMatch(
                    res -> res[2] == fire[2] && res[1] == 0 && res[0] > fire[0]));
            assertThat(firesThenResolves).as(a + " needs a firing case and a later empty case in one test").isTrue();
        }
        assertThat(new TreeSet<>(cases.keySet())).isSubsetOf(alerts);
    }

    private static long seconds(String d) {
        if (d.endsWith("m")) {
            return Long.parseLong(d.substring(0, d.length() - 1)) * 60;
        }
        if (d.endsWith("s")) {
            return Long.parseLong(d.substring(0, d.length() - 1));
        }
        throw new IllegalArgumentException("eval_time " + d + ": use m or s in the test file");
    }

    private static void writeRuleTest(Path dir, String rules) throws IOException {
        Files.writeString(dir.resolve("pgsql.yml"), rules);
        Files.writeString(dir.resolve("pgsql-test.yml"), resource(RULE_TEST));
    }

    static String rules() {
        return PrometheusArtifacts.ruleFiles().get("rules/pgsql.yml");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = PromtoolTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
