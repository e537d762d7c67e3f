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
 * flag, the PgBouncer target) and the environment of its {@code /etc/default} file (both URLs,
 * collector directory written from {@link ExporterUnits#collectorFiles()}), against a local
 * PostgreSQL and PgBouncer: one JVM answers on both ports. Reports its RSS after a few scrapes
 * (the issue's memory goal).
 */
@Tag("integration")
class ExporterUnitIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theDeployedUnitServesPostgresAndPgbouncerFromOneJvm() throws Exception {
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
        assertThat(deployed).as("one exporter JVM per member").hasSize(1);
        ExporterUnits.Unit d = deployed.get(0);
        assertThat(d.ports()).containsExactly(9630, 9631);
        try (PgFixture fx = PgFixture.create()) {
            PgFixture.Instance pg = fx.primary(Map.of());
            int bouncer = fx.pgbouncer(pg);
            Path conf = Files.createDirectories(fx.dir().resolve("pg_exporter"));
            for (Map.Entry<String, String> f : ExporterUnits.collectorFiles().entrySet()) {
                Files.writeString(conf.resolve(f.getKey().substring(f.getKey().lastIndexOf('/') + 1)), f.getValue());
            }
            int pgPort = PgFixture.freePort();
            int bouncerPort = PgFixture.freePort();
            ExporterUnits.Extra x = d.extra().get(0);
            // the deployed unit, but on free ports and with the fixture's URLs
            ExporterUnits.Unit u = new ExporterUnits.Unit(d.name(), d.description(), pgPort,
                    Secret.of(pg.url("postgres") + "?sslmode=disable"), d.env(), d.jvmOptions(),
                    List.of(new ExporterUnits.Extra(x.name(), bouncerPort, x.urlEnv(), Secret.of("postgres://postgres:"
                            + PgFixture.PASSWORD + "@127.0.0.1:" + bouncer + "/pgbouncer?sslmode=disable"))));
            Map<String, String> env = parseEnv(u.envFile());
            env.put("PG_EXPORTER_CONFIG", conf.toString());
            List<String> argv = execStart(u.unitFile());
            argv.replaceAll(a -> a.equals(ExporterJar.REMOTE_PATH) ? jar.toString()
                    : a.startsWith(ExporterUnits.LISTEN_FLAG + "=") ? ExporterUnits.LISTEN_FLAG + "=127.0.0.1:" + pgPort
                    : a.replace("listen=:" + bouncerPort, "listen=127.0.0.1:" + bouncerPort));
            assertThat(argv).contains("--target");
            argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Path log = fx.dir().resolve(u.name() + ".log");
            Process p = fx.spawn(argv, log, env);
            try {
                PgFixture.waitForPort(pgPort, p, u.name() + " for PostgreSQL");
                PgFixture.waitForPort(bouncerPort, p, u.name() + " for PgBouncer");
                String pgBody = "";
                String bouncerBody = "";
                for (int i = 0; i < 5; i++) {
                    pgBody = scrape(pgPort);
                    bouncerBody = scrape(bouncerPort);
                }
                assertThat(pgBody).as(u.name() + " log: " + Files.readString(log)).contains("pg_up 1\n")
                        .doesNotContain("pgbouncer_up");
                assertThat(bouncerBody).as(u.name() + " log: " + Files.readString(log)).contains("pgbouncer_up 1\n")
                        .doesNotContain("\npg_up ");
                String rss = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?");
                System.out.println(u.name() + " (PostgreSQL + PgBouncer) with " + u.jvmOptions() + ": "
                        + rss.replaceAll("\\s+", " "));
            } finally {
                p.destroy();
                p.waitFor();
            }
        }
    }

    private static String scrape(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
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
