package io.pigsty.api.pgsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.model.ExtensionCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extension catalog against a real PostgreSQL 15 with the Debian packages it names installed
 * (.ci/install-host-packages): every CREATE EXTENSION name of an installed package creates, the
 * preload libraries the catalog lists load, and PostGIS, pg_cron and wal2json work.
 */
class ExtensionCatalogRealIT {
    /** Packages the host must have for this test (installed by .ci/install-host-packages). */
    static final List<String> REQUIRED = List.of("postgis", "pg_cron", "hypopg", "pg_repack", "pgaudit", "wal2json",
            "pg_stat_kcache", "pg_wait_sampling");
    private static LocalPostgres pg;
    private static final List<ExtensionCatalog.Entry> INSTALLED = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        LocalPostgres.requireHost();
        ExtensionCatalog cat = ExtensionCatalog.get();
        List<String> missing = new ArrayList<>();
        for (ExtensionCatalog.Entry e : cat.entries()) {
            if (e.packageFor(15).isEmpty()) {
                continue;
            }
            boolean installed = LocalPostgres.run(List.of("dpkg-query", "-W", "-f=${Status}", e.packageFor(15).get()), Map.of())
                    .stdout().contains("install ok installed");
            if (installed) {
                INSTALLED.add(e);
            } else if (REQUIRED.contains(e.name())) {
                missing.add(e.packageFor(15).get());
            }
        }
        assertThat(missing).as("packages of .ci/install-host-packages").isEmpty();
        Set<String> preload = new LinkedHashSet<>(List.of("pg_stat_statements"));
        INSTALLED.forEach(e -> e.preload().ifPresent(preload::add));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("shared_preload_libraries", String.join(",", preload));
        settings.put("wal_level", "logical");
        settings.put("cron.database_name", "postgres");
        // pg_cron's default connects over TCP to localhost; the test server rejects host logins
        settings.put("cron.use_background_workers", "on");
        settings.put("max_worker_processes", "32");
        // Debian's 15.20 (and 17.x) only let listed libraries serve as logical decoding output plugins
        settings.put("output_plugin_libraries", "pgoutput, test_decoding, wal2json");
        pg = LocalPostgres.start("local all all peer\n", settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void everyCreateNameOfAnInstalledPackage_creates_andPreloadsLoad() throws Exception {
        assertThat(INSTALLED.stream().map(ExtensionCatalog.Entry::name)).containsAll(REQUIRED);
        List<String> created = new ArrayList<>();
        for (ExtensionCatalog.Entry e : INSTALLED) {
            for (String x : e.create()) {
                pg.query("CREATE EXTENSION IF NOT EXISTS \"" + x + "\" CASCADE", "postgres");
                created.add(x);
            }
        }
        String have = pg.query("SELECT string_agg(extname, ',') FROM pg_extension", "postgres");
        assertThat(List.of(have.split(","))).containsAll(created);
        String loaded = pg.query("SHOW shared_preload_libraries", "postgres");
        INSTALLED.forEach(e -> e.preload().ifPresent(l -> assertThat(loaded).contains(l)));
        // a library the catalog says must be preloaded really refuses without it: pg_stat_kcache's views read its shared memory
        assertThat(pg.query("SELECT count(*) >= 0 FROM pg_stat_kcache()", "postgres")).isEqualTo("t");
    }

    @Test
    void postgis_distanceAndNearestNeighbour() throws Exception {
        pg.query("CREATE EXTENSION IF NOT EXISTS postgis", "postgres");
        assertThat(pg.query("SELECT ST_Distance('POINT(0 0)'::geometry, 'POINT(3 4)'::geometry)", "postgres")).isEqualTo("5");
        pg.query("CREATE TABLE IF NOT EXISTS places(name text, g geometry(Point)); TRUNCATE places;"
                + "INSERT INTO places VALUES ('a', 'POINT(0 0)'), ('b', 'POINT(10 10)'), ('c', 'POINT(2 1)');"
                + "CREATE INDEX IF NOT EXISTS places_g ON places USING gist (g)", "postgres");
        assertThat(pg.query("SELECT name FROM places ORDER BY g <-> 'POINT(3 1)'::geometry LIMIT 1", "postgres")).isEqualTo("c");
    }

    @Test
    void pgCron_runsAJobWithinAMinute_withThePreloadTheCatalogSays() throws Exception {
        assertThat(ExtensionCatalog.get().find("pg_cron").orElseThrow().preload()).contains("pg_cron");
        pg.query("CREATE EXTENSION IF NOT EXISTS pg_cron", "postgres");
        pg.query("CREATE TABLE IF NOT EXISTS cron_hits(at timestamptz DEFAULT now())", "postgres");
        pg.query("SELECT cron.schedule('hit', '* * * * *', 'INSERT INTO cron_hits DEFAULT VALUES')", "postgres");
        long deadline = System.nanoTime() + 75_000_000_000L; // the job fires on the next minute boundary
        String hits = "0";
        while (System.nanoTime() < deadline && hits.equals("0")) {
            Thread.sleep(1000);
            hits = pg.query("SELECT count(*) FROM cron_hits", "postgres");
        }
        assertThat(hits).as("rows inserted by pg_cron within 75 s; job runs: "
                + pg.query("SELECT coalesce(string_agg(status || ' ' || coalesce(return_message, ''), '; '), 'none') FROM cron.job_run_details", "postgres"))
                .isNotEqualTo("0");
    }

    @Test
    void wal2json_decodesAChange() throws Exception {
        pg.query("CREATE TABLE IF NOT EXISTS w(id int primary key)", "postgres");
        pg.query("SELECT pg_create_logical_replication_slot('w2j', 'wal2json')", "postgres");
        pg.query("INSERT INTO w VALUES (42)", "postgres");
        assertThat(pg.query("SELECT string_agg(data, '') FROM pg_logical_slot_get_changes('w2j', NULL, NULL)", "postgres"))
                .contains("\"table\":\"w\"").contains("42");
        pg.query("SELECT pg_drop_replication_slot('w2j')", "postgres");
    }
}
