package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.model.Inventory;
import io.pigsty.model.NodeGroup;
import io.pigsty.monitor.PgFixture;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The infra node's generated stack on loopback: the real Prometheus runs the generated
 * {@code prometheus.yml} and target files with the real blackbox exporter and {@code blackbox.yml};
 * the {@code ping} job's relabelling sends the ICMP probe of the node through the blackbox exporter
 * and keeps the node's identity, and the {@code infra} job scrapes Prometheus and the blackbox
 * exporter themselves.
 */
class PingJobIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void pingAndInfraJobsAreUp(@TempDir Path dir) throws Exception {
        String prometheus = RealTool.require("/usr/bin/prometheus", "prometheus").toString();
        String blackbox = RealTool.require("/usr/bin/prometheus-blackbox-exporter", "prometheus-blackbox-exporter").toString();
        int web = PgFixture.freePort();
        int bb = PgFixture.freePort();
        Inventory inv = Inventory.builder()
                .infra(NodeGroup.builder("infra").node("127.0.0.1", v -> v.var("infra_seq", 1)).build())
                .var("prometheus_port", web).var("blackbox_port", bb).var("alertmanager_enabled", false)
                .var("node_exporter_enabled", false).var("admin_ip", "127.0.0.1").build();
        PrometheusArtifacts p = PrometheusArtifacts.builder(inv).scrapeInterval("1s").scrapeTimeout("1s")
                .evaluationInterval("1s").sdRefreshInterval("1s").targetsDir("targets").rulesDir("rules").build();
        // node_exporter disabled leaves no node or ping target: add the node's ping target as infra would
        assertThat(p.sharedTargets()).extracting(ScrapeTarget::fileName)
                .containsExactly("infra/infra-1-blackbox.yml", "infra/infra-1-prometheus.yml");
        p.writeTo(dir);
        Files.createDirectories(dir.resolve("targets/ping"));
        Files.writeString(dir.resolve("targets/ping/infra-1.yml"),
                "- labels: {cls: infra, ins: infra-1, ip: 127.0.0.1, job: ping}\n  targets: [127.0.0.1]\n");
        InfraArtifacts a = InfraArtifacts.of(inv, inv.infra().orElseThrow().nodes().get(0));
        Files.writeString(dir.resolve("blackbox.yml"), a.blackboxYml());
        Process bbp = new ProcessBuilder(blackbox, "--config.file=" + dir.resolve("blackbox.yml"),
                "--web.listen-address=127.0.0.1:" + bb).redirectErrorStream(true).redirectOutput(dir.resolve("bb.log").toFile())
                .start();
        Process prom = new ProcessBuilder(prometheus, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + web, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prom.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + web + "/api/v1/query?query=";
            JsonNode ping = await(api, "probe_success{job=\"ping\"} == 1", 1, prom, dir);
            JsonNode m = ping.get(0).get("metric");
            assertThat(m.get("ins").asText()).isEqualTo("infra-1");
            assertThat(m.get("instance").asText()).isEqualTo("127.0.0.1");
            assertThat(await(api, "probe_icmp_duration_seconds{job=\"ping\",phase=\"rtt\"}", 1, prom, dir)).hasSize(1);
            JsonNode infra = await(api, "up{job=\"infra\"} == 1", 2, prom, dir);
            assertThat(infra).extracting(n -> n.at("/metric/service").asText()).containsExactlyInAnyOrder("prometheus",
                    "blackbox");
        } finally {
            for (Process x : List.of(prom, bbp)) {
                x.destroy();
                if (!x.waitFor(20, TimeUnit.SECONDS)) {
                    x.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    static JsonNode await(String api, String q, int size, Process prom, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (!prom.isAlive()) {
                fail("prometheus exited " + prom.exitValue() + ":\n" + Files.readString(dir.resolve("prom.log")));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + URLEncoder.encode(q,
                        StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                last = JSON.readTree(r.body()).at("/data/result");
                if (last.size() >= size) {
                    return last;
                }
            } catch (IOException notYetListening) {
                // still starting
            }
            Thread.sleep(500);
        }
        fail("waited 60 s for " + size + " series of " + q + "; last: " + last + "\nblackbox log:\n"
                + Files.readString(dir.resolve("bb.log")) + "\nprometheus log:\n" + Files.readString(dir.resolve("prom.log")));
        return null;
    }
}
