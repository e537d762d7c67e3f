package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.monitor.PgFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The exporter as the MONITOR module deploys it, run for real on loopback: the built
 * {@code pg-exporter.jar} started with the unit's own {@code ExecStart} line (JVM flags, listen
 * flag, the PgBouncer target) and the environment systemd gives it ({@link UnitLaunch}: the unit's
 * {@code Environment=}, its {@code /etc/default} file with both URLs, the collector directory written
 * from {@link ExporterUnits#collectorFiles()}), against a local
 * PostgreSQL and PgBouncer: one JVM answers on both ports. Reports its RSS after a few scrapes
 * (the memory goal).
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
        ExporterUnits.Unit d = UnitLaunch.deployed();
        assertThat(d.ports()).containsExactly(9630, 9631);
        try (PgFixture fx = PgFixture.create()) {
            PgFixture.Instance pg = fx.primary(Map.of());
            int bouncer = fx.pgbouncer(pg);
            int pgPort = PgFixture.freePort();
            int bouncerPort = PgFixture.freePort();
            // the deployed unit, but on free ports and with the fixture's URLs
            UnitLaunch launch = UnitLaunch.local(d, jar, fx.dir().resolve("pg_exporter"), pgPort,
                    pg.url("postgres") + "?sslmode=disable", bouncerPort, "postgres://postgres:" + PgFixture.PASSWORD
                            + "@127.0.0.1:" + bouncer + "/pgbouncer?sslmode=disable");
            ExporterUnits.Unit u = launch.unit();
            assertThat(launch.argv()).contains("--target");
            assertThat(launch.env()).containsEntry("MALLOC_ARENA_MAX", "2");
            Path log = fx.dir().resolve(u.name() + ".log");
            Process p = fx.spawnExactEnv(launch.argv(), log, launch.env());
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
}
