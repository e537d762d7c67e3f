package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pigsty.model.InvalidValueException;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.ValidationException;
import io.pigsty.model.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusArtifactsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    final Inventory sandbox = Inventory.sample("sandbox");

    @Test
    void pgTest1PgsqlTargetHasExactlyPigstysLabelsAndAddress() throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.of(sandbox);
        String text = p.files().get("targets/pgsql/pg-test-1.yml");
        assertThat(text).isNotNull();
        JsonNode groups = YAML.readTree(text);
        assertThat(groups.isArray()).isTrue();
        assertThat(groups).hasSize(1);
        JsonNode g = groups.get(0);
        assertThat(fieldNames(g)).containsExactlyInAnyOrder("labels", "targets");
        Map<String, String> labels = YAML.convertValue(g.get("labels"), new TypeReference<Map<String, String>>() { });
        assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of(
                "cls", "pg-test", "ins", "pg-test-1", "ip", "10.213.0.11", "job", "pgsql"));
        assertThat(g.get("targets")).hasSize(1);
        assertThat(g.get("targets").get(0).asText()).isEqualTo("10.213.0.11:9630");
    }

    @Test
    void everyInstanceGetsOneFilePerJobWithItsPort() throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.of(sandbox);
        Map<String, String> expectedPorts = Map.of("pgsql", "9630", "pgbouncer", "9631", "patroni", "8008",
                "haproxy", "9101", "node", "9100");
        Map<String, String> ips = Map.of("pg-meta-1", "10.213.0.10", "pg-test-1", "10.213.0.11",
                "pg-test-2", "10.213.0.12", "pg-test-3", "10.213.0.13");
        List<String> expectedFiles = new ArrayList<>();
        for (String job : expectedPorts.keySet()) {
            for (String ins : ips.keySet()) {
                expectedFiles.add("targets/" + job + "/" + ins + ".yml");
            }
        }
        for (String ins : ips.keySet()) {
            expectedFiles.add("targets/ping/" + ins + ".yml");
        }
        expectedFiles.addAll(List.of("targets/ping/pg-test-vip.yml", "targets/etcd/etcd-1.yml",
                "targets/infra/infra-1-prometheus.yml", "targets/infra/infra-1-alertmanager.yml",
                "targets/infra/infra-1-blackbox.yml"));
        expectedFiles.add("prometheus.yml");
        expectedFiles.add("rules/pgsql.yml");
        assertThat(p.files().keySet()).containsExactlyInAnyOrderElementsOf(expectedFiles);
        JsonNode vip = YAML.readTree(p.files().get("targets/ping/pg-test-vip.yml")).get(0);
        assertThat(vip.get("targets").get(0).asText()).isEqualTo("10.213.0.3");
        assertThat(vip.get("labels").get("cls").asText()).isEqualTo("pg-test");
        JsonNode etcd = YAML.readTree(p.files().get("targets/etcd/etcd-1.yml")).get(0);
        assertThat(etcd.get("targets").get(0).asText()).isEqualTo("10.213.0.10:2379");
        JsonNode am = YAML.readTree(p.files().get("targets/infra/infra-1-alertmanager.yml")).get(0);
        assertThat(am.get("targets").get(0).asText()).isEqualTo("10.213.0.10:9093");
        assertThat(am.get("labels").get("ins").asText()).isEqualTo("infra-1");
        assertThat(am.get("labels").get("service").asText()).isEqualTo("alertmanager");
        // the pgsql playbook registers a cluster's files, the infra playbook the rest, none twice
        List<String> byCluster = new ArrayList<>();
        for (String c : List.of("pg-meta", "pg-test")) {
            p.targetsOf(c).forEach(t -> byCluster.add(t.fileName()));
        }
        List<String> shared = p.sharedTargets().stream().map(ScrapeTarget::fileName).toList();
        assertThat(shared).containsExactlyInAnyOrder("etcd/etcd-1.yml", "infra/infra-1-prometheus.yml",
                "infra/infra-1-alertmanager.yml", "infra/infra-1-blackbox.yml");
        assertThat(byCluster).doesNotContainAnyElementsOf(shared).hasSize(p.targets().size() - shared.size());
        assertThat(p.targetsOf("pg-test")).extracting(ScrapeTarget::fileName).contains("ping/pg-test-vip.yml",
                "pgsql/pg-test-3.yml").doesNotContain("pgsql/pg-meta-1.yml");
        for (String job : expectedPorts.keySet()) {
            for (String ins : ips.keySet()) {
                JsonNode g = YAML.readTree(p.files().get("targets/" + job + "/" + ins + ".yml")).get(0);
                assertThat(g.get("targets").get(0).asText()).isEqualTo(ips.get(ins) + ":" + expectedPorts.get(job));
                assertThat(g.get("labels").get("job").asText()).isEqualTo(job);
                assertThat(g.get("labels").get("ins").asText()).isEqualTo(ins);
                assertThat(g.get("labels").get("cls").asText()).isEqualTo(ins.substring(0, ins.lastIndexOf('-')));
            }
        }
        assertThat(new ArrayList<>(p.files().keySet())).isSorted();
    }

    @Test
    void prometheusYmlHasGlobalsRulesAndOneFileSdJobPerExporter() throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.of(sandbox);
        JsonNode root = YAML.readTree(p.prometheusYml());
        assertThat(root.at("/global/scrape_interval").asText()).isEqualTo("10s");
        assertThat(root.at("/global/scrape_timeout").asText()).isEqualTo("8s");
        assertThat(root.at("/global/evaluation_interval").asText()).isEqualTo("10s");
        assertThat(root.at("/rule_files/0").asText()).isEqualTo("/etc/prometheus/rules/*.yml");
        assertThat(root.at("/alerting/alertmanagers/0/static_configs/0/targets/0").asText())
                .isEqualTo("10.213.0.10:9093");
        JsonNode jobs = root.get("scrape_configs");
        assertThat(jobs).hasSize(8);
        List<String> names = new ArrayList<>();
        for (JsonNode j : jobs) {
            String name = j.get("job_name").asText();
            names.add(name);
            assertThat(j.at("/file_sd_configs/0/files/0").asText())
                    .isEqualTo("/etc/prometheus/targets/" + name + "/*.yml");
            assertThat(j.at("/file_sd_configs/0/refresh_interval").asText()).isEqualTo("5s");
            assertThat(j.get("metrics_path").asText()).isEqualTo(name.equals("ping") ? "/probe" : "/metrics");
        }
        assertThat(names).containsExactly("pgsql", "pgbouncer", "patroni", "haproxy", "node", "etcd", "infra", "ping");
        JsonNode ping = jobs.get(7);
        assertThat(ping.at("/params/module/0").asText()).isEqualTo("icmp");
        assertThat(ping.at("/relabel_configs/2/replacement").asText()).isEqualTo("127.0.0.1:9115");
        assertThat(root.has("remote_write")).isFalse();
    }

    @Test
    void renderingIsDeterministic() {
        assertThat(PrometheusArtifacts.of(sandbox).files()).isEqualTo(PrometheusArtifacts.of(sandbox).files());
        assertThat(PrometheusArtifacts.of(Inventory.sample("sandbox")).artifacts())
                .isEqualTo(PrometheusArtifacts.of(sandbox).artifacts());
    }

    @Test
    void inventoryParametersDriveJobsPortsAndIntervals() throws Exception {
        PgCluster test = sandbox.requireCluster("pg-test").toBuilder()
                .set(Params.PG_EXPORTER_PORT, 19630)
                .set(Params.PGBOUNCER_EXPORTER_ENABLED, false)
                .set(Params.HAPROXY_ENABLED, false)
                .var("node_exporter_port", 19100)
                .build();
        Inventory inv = sandbox.withCluster(test).toBuilder()
                .set(Params.PROMETHEUS_SCRAPE_INTERVAL, "15s")
                .set(Params.PROMETHEUS_SCRAPE_TIMEOUT, "10s")
                .set(Params.PROMETHEUS_SD_DIR, "/srv/targets")
                .var("prometheus_sd_interval", "30s")
                .build();
        PrometheusArtifacts p = PrometheusArtifacts.of(inv);
        assertThat(p.target(ScrapeJob.PGSQL, "pg-test-2").orElseThrow().address()).isEqualTo("10.213.0.12:19630");
        assertThat(p.target(ScrapeJob.PGSQL, "pg-meta-1").orElseThrow().address()).isEqualTo("10.213.0.10:9630");
        assertThat(p.target(ScrapeJob.NODE, "pg-test-3").orElseThrow().address()).isEqualTo("10.213.0.13:19100");
        assertThat(p.target(ScrapeJob.PGBOUNCER, "pg-test-1")).isEmpty();
        assertThat(p.target(ScrapeJob.HAPROXY, "pg-test-1")).isEmpty();
        assertThat(p.target(ScrapeJob.PGBOUNCER, "pg-meta-1")).isPresent();
        assertThat(p.files()).doesNotContainKey("targets/pgbouncer/pg-test-1.yml");
        JsonNode root = YAML.readTree(p.prometheusYml());
        assertThat(root.at("/global/scrape_interval").asText()).isEqualTo("15s");
        assertThat(root.at("/global/scrape_timeout").asText()).isEqualTo("10s");
        assertThat(root.at("/scrape_configs/0/file_sd_configs/0/files/0").asText()).isEqualTo("/srv/targets/pgsql/*.yml");
        assertThat(root.at("/scrape_configs/0/file_sd_configs/0/refresh_interval").asText()).isEqualTo("30s");
    }

    @Test
    void builderOptionsOverrideAndNoAlertmanagerMeansNoAlertingSection() throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.builder(sandbox).targetsDir("targets/").rulesDir("rules")
                .alertmanagers(List.of()).evaluationInterval("30s").build();
        JsonNode root = YAML.readTree(p.prometheusYml());
        assertThat(root.has("alerting")).isFalse();
        assertThat(root.at("/rule_files/0").asText()).isEqualTo("rules/*.yml");
        assertThat(root.at("/scrape_configs/4/file_sd_configs/0/files/0").asText()).isEqualTo("targets/node/*.yml");
        assertThat(root.at("/global/evaluation_interval").asText()).isEqualTo("30s");
    }

    @Test
    void malformedOptionsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> PrometheusArtifacts.builder(sandbox).scrapeInterval("10 seconds").build())
                .isInstanceOf(InvalidValueException.class).hasMessage("scrapeInterval: must be a Prometheus duration "
                        + "such as 10s or 1m30s, got '10 seconds'");
        assertThatThrownBy(() -> PrometheusArtifacts.builder(sandbox).scrapeInterval("5s").scrapeTimeout("8s").build())
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("scrapeTimeout: scrape timeout 8s is longer than the scrape interval 5s");
        assertThatThrownBy(() -> PrometheusArtifacts.builder(sandbox).targetsDir("/x/*").build())
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("targetsDir").hasMessageContaining("'/x/*'");
        assertThatThrownBy(() -> PrometheusArtifacts.builder(sandbox).alertmanagers(List.of("nohost")).build())
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("alertmanagers")
                .hasMessageContaining("host:port, got 'nohost'");
        // several bad options: the first one thrown, the others attached
        assertThatThrownBy(() -> PrometheusArtifacts.builder(sandbox).scrapeInterval("x").rulesDir("*").build())
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("scrapeInterval")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains("rulesDir"));
        assertThat(PrometheusArtifacts.builder(sandbox).scrapeInterval("1m30s").scrapeTimeout("90s").build()
                .scrapeTimeout()).isEqualTo("90s");
    }

    @Test
    void malformedInventoryValues_areValidationErrors_atTheirPaths_allAtOnce() {
        Inventory bad = sandbox.toBuilder().var("prometheus_scrape_interval", "10 s").var("prometheus_sd_dir", "/etc/*")
                .var("prometheus_sd_interval", "soon").var("prometheus_remote_write", List.of("ftp://vm")).build();
        assertThatThrownBy(() -> PrometheusArtifacts.of(bad)).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations()).extracting(Violation::toString)
                        .containsExactlyInAnyOrder(
                                "all.vars.prometheus_scrape_interval: must be a Prometheus duration such as 10s or 1m30s,"
                                        + " got '10 s'",
                                "all.vars.prometheus_sd_interval: must be a Prometheus duration such as 10s or 1m30s,"
                                        + " got 'soon'",
                                "all.vars.prometheus_sd_dir: must be a directory path without globs, got '/etc/*'",
                                "all.vars.prometheus_remote_write[0]: must be an http(s):// URL such as "
                                        + "http://vm:8428/api/v1/write, got 'ftp://vm'"));
        Inventory slow = sandbox.toBuilder().var("prometheus_scrape_interval", "5s").var("prometheus_scrape_timeout", "8s")
                .build();
        assertThatThrownBy(() -> PrometheusArtifacts.of(slow)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("all.vars.prometheus_scrape_timeout: scrape timeout 8s is longer than the scrape "
                        + "interval 5s");
        // the same rules are part of Inventory.validate(), so `pigsty validate` reports them before any plan
        assertThat(bad.validate().errors()).extracting(Violation::toString)
                .anyMatch(v -> v.startsWith("all.vars.prometheus_scrape_interval: must be a Prometheus duration"))
                .anyMatch(v -> v.startsWith("all.vars.prometheus_sd_interval: "))
                .anyMatch(v -> v.startsWith("all.vars.prometheus_sd_dir: "));
        assertThat(slow.validate().errors()).extracting(Violation::toString)
                .contains("all.vars.prometheus_scrape_timeout: scrape timeout 8s is longer than the scrape interval 5s");
        assertThat(sandbox.validate().errors()).isEmpty();
    }

    @Test
    void publicCollectionsAreUnmodifiable() {
        PrometheusArtifacts p = PrometheusArtifacts.of(sandbox);
        assertThatThrownBy(() -> p.files().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.targets().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.targets().get(0).labels().put("role", "primary"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void writeToWritesEveryFileReadableAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.of(sandbox);
        List<String> changed = p.writeTo(dir);
        assertThat(changed).containsExactlyElementsOf(p.files().keySet());
        for (Map.Entry<String, String> e : p.files().entrySet()) {
            Path f = dir.resolve(e.getKey());
            assertThat(f).hasContent(e.getValue());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        }
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(Files::isRegularFile).map(x -> x.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".") || n.endsWith(".tmp"));
        }
    }

    @Test
    void writeToLeavesUnchangedFilesAloneAndReplacesChangedOnes(@TempDir Path dir) throws Exception {
        PrometheusArtifacts p = PrometheusArtifacts.of(sandbox);
        p.writeTo(dir);
        Path yml = dir.resolve("prometheus.yml");
        Path target = dir.resolve("targets/pgsql/pg-test-1.yml");
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(yml, old);
        Files.writeString(target, "stale");
        List<String> changed = p.writeTo(dir);
        assertThat(changed).containsExactly("targets/pgsql/pg-test-1.yml");
        assertThat(Files.getLastModifiedTime(yml)).isEqualTo(old);
        assertThat(target).hasContent(p.files().get("targets/pgsql/pg-test-1.yml"));
        assertThat(p.writeTo(dir)).isEmpty();
    }

    @Test
    void staleTargetFilesAreTheRemovedMembersOnly(@TempDir Path dir) throws Exception {
        PrometheusArtifacts.of(sandbox).writeTo(dir);
        Files.writeString(dir.resolve("targets/pgsql/.pg-x-1.yml.123.tmp"), "in flight");
        PgCluster two = sandbox.requireCluster("pg-test").toBuilder().build();
        two = new PgCluster(two.name(), two.vars(), two.instances().subList(0, 2));
        PrometheusArtifacts shrunk = PrometheusArtifacts.of(sandbox.withCluster(two));
        assertThat(shrunk.staleTargetFiles(dir)).containsExactly("targets/haproxy/pg-test-3.yml",
                "targets/node/pg-test-3.yml", "targets/patroni/pg-test-3.yml", "targets/pgbouncer/pg-test-3.yml",
                "targets/pgsql/pg-test-3.yml", "targets/ping/pg-test-3.yml");
        assertThat(PrometheusArtifacts.of(sandbox).staleTargetFiles(dir)).isEmpty();
        assertThat(shrunk.staleTargetFiles(dir.resolve("nowhere"))).isEmpty();
    }

    @Test
    void artifactPathsMustStayInsideTheDirectory() {
        for (String bad : List.of("/etc/passwd", "../x.yml", "a/../b.yml", "a//b.yml", "", "a/", "./a.yml")) {
            assertThatThrownBy(() -> ArtifactFiles.of(Map.of(bad, "x"))).as(bad)
                    .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("path: '" + bad + "': ");
        }
        assertThatThrownBy(() -> ArtifactFiles.of(Map.of("a.yml", "1")).plus(ArtifactFiles.of(Map.of("a.yml", "2"))))
                .isInstanceOf(InvalidValueException.class).hasMessage("path: 'a.yml': the artifact is generated twice");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
