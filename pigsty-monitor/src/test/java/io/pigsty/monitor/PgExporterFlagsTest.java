package io.pigsty.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pg_exporter v1.4.1's command line and environment, and the several-targets extension. */
class PgExporterFlagsTest {
    static ExporterMain.Options parse(Map<String, String> env, String... args) {
        return ExporterMain.parse(args, env, p -> false);
    }

    @Test
    void flagsAsPgExporterSpellsThem() {
        ExporterMain.Options o = parse(Map.of(), "-u", "postgres://u:p@h/db", "--web.listen-address=:9631",
                "--web.telemetry-path", "/m", "--auto-discovery=false", "--namespace", "pgx", "--fail-fast", "--disable-intro",
                "--dry-run", "--log.level=debug", "-T", "250", "-x", "a,b", "-i=c", "-C", "-l", "cls=pg-test", "-t", "x,y",
                "-c", "/etc/pg_exporter");
        assertThat(o.url).isEqualTo("postgres://u:p@h/db");
        assertThat(o.listen).isEqualTo(":9631");
        assertThat(o.telemetryPath).isEqualTo("/m");
        assertThat(o.autoDiscovery).isFalse();
        assertThat(o.namespace).isEqualTo("pgx");
        assertThat(o.failFast).isTrue();
        assertThat(o.disableIntro).isTrue();
        assertThat(o.dryRun).isTrue();
        assertThat(o.logLevel).isEqualTo("debug");
        assertThat(o.connectTimeoutMs).isEqualTo(250);
        assertThat(o.exclude).containsExactly("a", "b");
        assertThat(o.include).containsExactly("c");
        assertThat(o.disableCache).isTrue();
        assertThat(o.labels).containsExactly(Map.entry("cls", "pg-test"));
        assertThat(o.tags).containsExactly("x", "y");
        assertThat(o.config).isEqualTo("/etc/pg_exporter");
        assertThat(parse(Map.of(), "--auto-discovery=1").autoDiscovery).isTrue();
        assertThat(parse(Map.of(), "--no-auto-discovery").autoDiscovery).isFalse();
        assertThat(parse(Map.of(), "-uURL").url).as("kingpin's glued short form").isEqualTo("URL");
        // the flags this exporter had before keep working
        ExporterMain.Options old = parse(Map.of(), "--url", "postgres://h/db", "--listen", "127.0.0.1:9630", "--explain");
        assertThat(old.listen).isEqualTo("127.0.0.1:9630");
        assertThat(old.explain).isTrue();
    }

    @Test
    void defaultsArePgExportersDefaults() {
        ExporterMain.Options o = parse(Map.of());
        assertThat(o.url).isEqualTo("postgresql:///?sslmode=disable");
        assertThat(o.urlSource).isEqualTo("default");
        assertThat(o.listen).isEqualTo(":9630");
        assertThat(o.telemetryPath).isEqualTo("/metrics");
        assertThat(o.connectTimeoutMs).isEqualTo(100);
        assertThat(o.autoDiscovery).isTrue();
        assertThat(o.exclude).isNull(); // the target's default: template0, template1, postgres
        assertThat(o.config).as("nothing found on the search path: the shipped set").isNull();
    }

    @Test
    void environmentVariablesWhenTheFlagIsAbsent() {
        Map<String, String> env = Map.ofEntries(Map.entry("PG_EXPORTER_URL", "postgres://e@h/db"), Map.entry("PGURL", "postgres://x@h/db"),
                Map.entry("PG_EXPORTER_TAG", "t1,t2"), Map.entry("PG_EXPORTER_LABEL", "ins=pg-test-1"),
                Map.entry("PG_EXPORTER_AUTO_DISCOVERY", "false"), Map.entry("PG_EXPORTER_EXCLUDE_DATABASE", "x"),
                Map.entry("PG_EXPORTER_INCLUDE_DATABASE", "app"), Map.entry("PG_EXPORTER_DISABLE_CACHE", "true"),
                Map.entry("PG_EXPORTER_NAMESPACE", "pgns"), Map.entry("PG_EXPORTER_CONNECT_TIMEOUT", "300"),
                Map.entry("PG_EXPORTER_CONFIG", "/opt/conf.yml"));
        ExporterMain.Options o = parse(env);
        assertThat(o.url).isEqualTo("postgres://e@h/db");
        assertThat(o.urlSource).isEqualTo("PG_EXPORTER_URL");
        assertThat(o.tags).containsExactly("t1", "t2");
        assertThat(o.labels).containsExactly(Map.entry("ins", "pg-test-1"));
        assertThat(o.autoDiscovery).isFalse();
        assertThat(o.exclude).containsExactly("x");
        assertThat(o.include).containsExactly("app");
        assertThat(o.disableCache).isTrue();
        assertThat(o.namespace).isEqualTo("pgns");
        assertThat(o.connectTimeoutMs).isEqualTo(300);
        assertThat(o.config).isEqualTo("/opt/conf.yml");
        ExporterMain.Options flagWins = parse(env, "--tag", "f", "--auto-discovery", "-T", "50");
        assertThat(flagWins.tags).containsExactly("f");
        assertThat(flagWins.autoDiscovery).isTrue();
        assertThat(flagWins.connectTimeoutMs).isEqualTo(50);
        assertThat(parse(Map.of("PGURL", "postgres://x@h/db")).url).isEqualTo("postgres://x@h/db");
        assertThatThrownBy(() -> parse(Map.of("PG_EXPORTER_AUTO_DISCOVERY", "maybe")))
                .hasMessage("PG_EXPORTER_AUTO_DISCOVERY: 'maybe' is not true or false");
    }

    @Test
    void urlFromFileAndConfigSearchPath(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("url");
        Files.writeString(f, "postgres://dbuser_monitor:secret@127.0.0.1:5432/postgres\n");
        ExporterMain.Options o = parse(Map.of("PG_EXPORTER_URL_FILE", f.toString()));
        assertThat(o.url).isEqualTo("postgres://dbuser_monitor:secret@127.0.0.1:5432/postgres");
        assertThatThrownBy(() -> parse(Map.of("PG_EXPORTER_URL_FILE", dir.resolve("none").toString())))
                .hasMessageContaining("PG_EXPORTER_URL_FILE=" + dir.resolve("none") + ": cannot read the URL");
        Set<String> present = Set.of("/etc/pg_exporter.yml", "/etc/pg_exporter");
        assertThat(ExporterMain.resolveConfig(Map.of(), p -> present.contains(p.toString()))).isEqualTo("/etc/pg_exporter.yml");
        assertThat(ExporterMain.resolveConfig(Map.of(), p -> p.toString().equals("/etc/pg_exporter"))).isEqualTo("/etc/pg_exporter");
        assertThat(ExporterMain.resolveConfig(Map.of(), p -> true)).as("./pg_exporter.yml first").isEqualTo("pg_exporter.yml");
    }

    @Test
    void telemetryPathIsCheckedAsPgExporterChecksIt() {
        assertThatThrownBy(() -> parse(Map.of(), "--web.telemetry-path", "metrics")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> parse(Map.of(), "--web.telemetry-path", "/a/../metrics")).hasMessageContaining("canonical");
        assertThatThrownBy(() -> parse(Map.of(), "--web.telemetry-path", "/up")).hasMessageContaining("conflicts");
        assertThatThrownBy(() -> parse(Map.of(), "--web.telemetry-path", "/m?x=1")).hasMessageContaining("without query");
    }

    @Test
    void severalTargetsInOneJvm(@TempDir Path dir) throws Exception {
        ExporterMain.Options o = parse(Map.of("PG_EXPORTER_URL", "postgres://ignored@h/db"),
                "--target", "name=pgsql,url=postgres://dbuser_monitor:pw@127.0.0.1:5432/postgres?sslmode=disable,listen=:9630",
                "--target", "name=pgbouncer,url=postgres://dbuser_monitor:pw@127.0.0.1:6432/pgbouncer,listen=:9631,namespace=pgbouncer");
        assertThat(ExporterMain.targets(o)).extracting(t -> t.name + " " + t.listen).containsExactly("pgsql :9630", "pgbouncer :9631");
        assertThat(o.targets.get(0).url).isEqualTo("postgres://dbuser_monitor:pw@127.0.0.1:5432/postgres?sslmode=disable");
        assertThat(ExporterMain.targets(parse(Map.of(), "-u", "postgres://h/db"))).singleElement()
                .satisfies(t -> assertThat(t.listen).isEqualTo(":9630"));

        Path url = dir.resolve("bouncer.url");
        Files.writeString(url, "postgres://dbuser_monitor:pw@127.0.0.1:6432/pgbouncer\n");
        Path file = dir.resolve("targets.yml");
        Files.writeString(file, """
                targets:
                  - { name: pgsql, url: 'postgres://dbuser_monitor:pw@127.0.0.1:5432/postgres', listen: ':9630',
                      labels: { cls: pg-test }, tags: [ a ], auto_discovery: false }
                  - { name: pgbouncer, url_file: '%s', listen: ':9631', connect_timeout: 500 }
                """.formatted(url));
        ExporterMain.Options f = parse(Map.of(), "--targets-file", file.toString(), "--tag", "global");
        assertThat(f.targets).hasSize(2);
        assertThat(f.targets.get(1).url).isEqualTo("postgres://dbuser_monitor:pw@127.0.0.1:6432/pgbouncer");
        try (ExporterTarget pgsql = ExporterMain.target(f, f.targets.get(0), CollectorSet.defaults());
             ExporterTarget bouncer = ExporterMain.target(f, f.targets.get(1), CollectorSet.defaults())) {
            assertThat(pgsql.namespace()).isEqualTo("pg");
            assertThat(bouncer.namespace()).isEqualTo("pgbouncer");
        }
        assertThatThrownBy(() -> parse(Map.of(), "--target", "name=a,url=postgres://h/db,listen=:9630",
                "--target", "name=a,url=mysql://x:secret@h/db,listen=:9630,colour=red"))
                .hasMessageContaining("--target: unknown key 'colour'")
                .hasMessageContaining("target 'a': name used twice")
                .hasMessageContaining("target 'a': port 9630 used by another target")
                .hasMessageContaining("not a postgres:// or postgresql:// URL")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> parse(Map.of(), "-u", "postgres://h/db", "--target", "name=a,url=postgres://h/db,listen=:1"))
                .hasMessageContaining("exclude each other");
    }

    @Test
    void theUnitsCommandLine_mainTargetFromTheEnvironmentPlusPgbouncerByUrlEnv() {
        Map<String, String> env = Map.of("PG_EXPORTER_URL", "postgres://dbuser_monitor:pw@127.0.0.1:5432/postgres",
                "PGBOUNCER_EXPORTER_URL", "postgres://dbuser_monitor:pw@127.0.0.1:6432/pgbouncer");
        ExporterMain.Options o = parse(env, "--web.listen-address=:9630",
                "--target", "name=pgbouncer,url_env=PGBOUNCER_EXPORTER_URL,listen=:9631");
        assertThat(ExporterMain.targets(o)).extracting(t -> t.name + " " + t.listen + " " + t.url).containsExactly(
                "default :9630 postgres://dbuser_monitor:pw@127.0.0.1:5432/postgres",
                "pgbouncer :9631 postgres://dbuser_monitor:pw@127.0.0.1:6432/pgbouncer");
        // the older spelling of the listen flag still works
        assertThat(ExporterMain.targets(parse(env, "--listen", ":9630", "--target",
                "name=pgbouncer,url_env=PGBOUNCER_EXPORTER_URL,listen=:9631"))).hasSize(2);
        // without --web.listen-address the explicit targets are all there is, as before
        assertThat(ExporterMain.targets(parse(env, "--target", "name=pgbouncer,url_env=PGBOUNCER_EXPORTER_URL,listen=:9631")))
                .extracting(t -> t.name).containsExactly("pgbouncer");
        assertThatThrownBy(() -> parse(Map.of(), "--web.listen-address=:9630", "--target",
                "name=pgbouncer,url_env=NOT_THERE,listen=:9631"))
                .hasMessageContaining("url_env NOT_THERE: the environment variable is not set");
        assertThatThrownBy(() -> parse(env, "--web.listen-address=:9631", "--target",
                "name=pgbouncer,url_env=PGBOUNCER_EXPORTER_URL,listen=:9631"))
                .hasMessageContaining("target 'pgbouncer': port 9631 used by another target");
    }

    @Test
    void versionAndDryRun(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(ExporterMain.run(new String[] {"--version"}, Map.of(), ps, ps)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("pg_exporter version v").contains("go version: java");
        out.reset();
        Files.writeString(dir.resolve("c.yml"), """
                pg_b: { query: SELECT 2 AS x, priority: 20, desc: second, metrics: [ { x: { usage: GAUGE } } ] }
                pg_a: { query: SELECT 1 AS x, priority: 10, metrics: [ { x: { usage: COUNTER, description: first } } ] }
                """);
        assertThat(ExporterMain.run(new String[] {"--dry-run", "-c", dir.resolve("c.yml").toString()}, Map.of(), ps, ps)).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.indexOf("# pg_a_*")).isGreaterThanOrEqualTo(0).isLessThan(text.indexOf("# pg_b_*"));
        assertThat(text).contains("SELECT 1 AS x", "COUNTER  x  first", "priority 10");
        assertThat(ExporterMain.onReloadSignal(() -> { })).as("SIGHUP at least").isGreaterThanOrEqualTo(1);
    }
}
