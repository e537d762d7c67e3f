package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.model.Secret;
import io.pigsty.monitor.PgFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The exporter as the MONITOR module deploys it, run for real on loopback: the built
 * {@code pg-exporter.jar} started with the unit's own {@code ExecStart} line (JVM flags, listen
 * flag) and the environment of its {@code /etc/default} file (URL, collector directory written from
 * {@link ExporterUnits#collectorFiles()}), against a local PostgreSQL and PgBouncer. Reports each
 * process' RSS after a few scrapes (the issue's memory goal).
 */
@Tag("integration")
class ExporterUnitIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theDeployedUnitsServePostgresAndPgbouncer() throws Exception {
        String why = PgFixture.missing("/usr/sbin/pgbouncer");
        Path jar = Path.of("target/pg-exporter.jar").toAbsolutePath();
        if (why == null && !Files.isRegularFile(jar)) {
            why = "missing " + jar + " (built by the package phase)";
        }
        if (why != null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must run the monitor ITs: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        Inventory inv = Inventory.sample("sandbox");
        PgCluster c = inv.requireCluster("pg-test");
        List<ExporterUnits.Unit> deployed = ExporterUnits.forMember(inv, c, c.instances().get(0));
        try (PgFixture fx = PgFixture.create()) {
            PgFixture.Instance pg = fx.primary(Map.of());
            int bouncer = fx.pgbouncer(pg);
            Path conf = Files.createDirectories(fx.dir().resolve("pg_exporter"));
            for (Map.Entry<String, String> f : ExporterUnits.collectorFiles().entrySet()) {
                Files.writeString(conf.resolve(f.getKey().substring(f.getKey().lastIndexOf('/') + 1)), f.getValue());
            }
            String[] urls = {pg.url("postgres") + "?sslmode=disable",
                    "postgres://postgres:" + PgFixture.PASSWORD + "@127.0.0.1:" + bouncer + "/pgbouncer?sslmode=disable"};
            String[] up = {"pg_up 1", "pgbouncer_up 1"};
            for (int k = 0; k < deployed.size(); k++) {
                ExporterUnits.Unit d = deployed.get(k);
                int port = PgFixture.freePort();
                // the deployed unit, but on a free port and with the fixture's URL
                ExporterUnits.Unit u = new ExporterUnits.Unit(d.name(), d.description(), port, Secret.of(urls[k]), d.env(),
                        d.jvmOptions());
                Map<String, String> env = parseEnv(u.envFile());
                env.put("PG_EXPORTER_CONFIG", conf.toString());
                List<String> argv = execStart(u.unitFile());
                argv.replaceAll(a -> a.equals(ExporterJar.REMOTE_PATH) ? jar.toString() : a.startsWith(ExporterUnits.LISTEN_FLAG)
                        ? ExporterUnits.LISTEN_FLAG + "=127.0.0.1:" + port : a);
                argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
                Process p = fx.spawn(argv, fx.dir().resolve(u.name() + ".log"), env);
                try {
                    PgFixture.waitForPort(port, p, u.name());
                    String body = "";
                    for (int i = 0; i < 5; i++) {
                        body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
                    }
                    assertThat(body).as(u.name() + " log: " + Files.readString(fx.dir().resolve(u.name() + ".log")))
                            .contains(up[k] + "\n");
                    String rss = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                            .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?");
                    System.out.println(u.name() + " with " + u.jvmOptions() + ": " + rss.replaceAll("\\s+", " "));
                } finally {
                    p.destroy();
                    p.waitFor();
                }
            }
        }
    }

    /** systemd's EnvironmentFile syntax as the units use it: KEY='value' lines and comments. */
    static Map<String, String> parseEnv(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String v = line.substring(eq + 1);
            out.put(line.substring(0, eq), v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1) : v);
        }
        return out;
    }

    static List<String> execStart(String unit) {
        Matcher m = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(unit);
        assertThat(m.find()).as("ExecStart in " + unit).isTrue();
        return new ArrayList<>(List.of(m.group(1).trim().split("\\s+")));
    }
}
