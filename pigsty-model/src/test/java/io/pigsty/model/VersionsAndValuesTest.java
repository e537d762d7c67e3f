package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12: Pigsty's values as written, versions and OS, extensions, unsupported modes. */
class VersionsAndValuesTest {
    private static final String HEAD = """
            all:
              children:
                etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }
                pg-v:
                  hosts:
                    10.213.0.21: { pg_seq: 1, pg_role: primary %s }
                    10.213.0.22: { pg_seq: 2, pg_role: replica }
                  vars:
                    pg_cluster: pg-v
            """;

    private static Inventory inv(String hostExtra, String clusterVars) {
        String text = HEAD.formatted(hostExtra) + clusterVars.indent(8) + "  vars: { admin_ip: 10.213.0.10 }\n";
        return Inventory.parseUnvalidated(text, "test");
    }

    private static List<String> errors(Inventory inv) {
        return inv.validate().violations().stream().filter(v -> v.severity() == Severity.ERROR)
                .map(v -> v.path() + ": " + v.reason()).toList();
    }

    private static List<String> warnings(Inventory inv) {
        return inv.validate().violations().stream().filter(v -> v.severity() == Severity.WARNING)
                .map(v -> v.path() + ": " + v.reason()).toList();
    }

    @Test
    void yaml11Words_areReadAsPigstyMeansThem() {
        Inventory i = inv("", "patroni_watchdog_mode: off\npg_checksum: yes\npgbouncer_enabled: On\npg_max_conn: auto\n");
        assertThat(errors(i)).isEmpty();
        Resolved r = i.resolve(i.requireCluster("pg-v"));
        assertThat(r.get(Params.PATRONI_WATCHDOG_MODE)).isEqualTo("off");
        assertThat(r.get(Params.PG_CHECKSUM)).isTrue();
        assertThat(r.get(Params.PGBOUNCER_ENABLED)).isTrue();
        assertThat(r.get(Params.PG_MAX_CONN)).isZero();
        String yaml = i.toYaml();
        assertThat(yaml).contains("pg_max_conn: auto").contains("patroni_watchdog_mode: \"off\"");
        Inventory back = Inventory.parseUnvalidated(yaml, "back");
        assertThat(back.resolve(back.requireCluster("pg-v")).get(Params.PATRONI_WATCHDOG_MODE)).isEqualTo("off");
        assertThat(inv("", "pg_max_conn: 10\n").validate().violations()).anyMatch(v -> v.reason().contains(">= 20"));
        assertThat(errors(inv("", "pg_max_conn: lots\n"))).anyMatch(e -> e.contains("expected auto or an integer"));
    }

    @Test
    void stringsStayStrings_onARoundTrip() {
        Inventory i = inv("", "app_port: \"5432\"\napp_flag: 'yes'\napp_ver: '1.10'\n");
        Inventory back = Inventory.parseUnvalidated(i.toYaml(), "back");
        Vars v = back.requireCluster("pg-v").vars();
        assertThat(v.raw("app_port")).contains("5432");
        assertThat(v.raw("app_flag")).contains("yes");
        assertThat(v.raw("app_ver")).contains("1.10");
        assertThat(back).isEqualTo(i);
    }

    @Test
    void authOs_isPigstysIdentAlias() {
        Inventory i = inv("", "pg_hba_rules:\n  - { user: dbuser_dba, db: all, addr: local, auth: os, title: os user }\n");
        assertThat(errors(i)).isEmpty();
    }

    @Test
    void listenPlaceholders_andBinDir_followTheNodeAndVersion() {
        Inventory i = inv("", "pg_version: 17\npg_listen: '${ip},${vip},${lo}'\npg_vip_enabled: true\npg_vip_address: 10.213.0.3/24\n");
        PgCluster c = i.requireCluster("pg-v");
        Resolved r = i.resolve(c, c.instances().get(0));
        assertThat(PgLayout.listen(r, "10.213.0.21")).isEqualTo("10.213.0.21,10.213.0.3,127.0.0.1");
        assertThat(r.get(Params.PG_BIN_DIR)).isEqualTo("/usr/lib/postgresql/17/bin");
        assertThat(PgLayout.listen("${lan},${vip}", "10.0.0.5", false, "10.0.0.3/24")).isEqualTo("10.0.0.5");
        assertThat(PgLayout.binLink("/usr/pgsql/bin", 17)).hasValueSatisfying(l ->
                assertThat(l).containsExactly("/usr/pgsql", "/usr/lib/postgresql/17"));
        assertThat(PgLayout.binLink("/usr/lib/postgresql/17/bin", 17)).isEmpty();
        assertThat(errors(inv("", "pg_listen: '${ip},${wan}'\n"))).anyMatch(e -> e.contains("unknown placeholder ${wan}"));
        assertThat(warnings(inv("", "pg_listen: '${ip},${vip}'\n"))).anyMatch(e -> e.contains("${vip} is left out"));
        assertThat(errors(inv("", "pg_bin_dir: relative/bin\n"))).anyMatch(e -> e.contains("pg_bin_dir"));
    }

    @Test
    void nodeOs_mustCarryPgVersion_offline() {
        assertThat(errors(inv(", node_os: debian13", "pg_version: 17\n"))).isEmpty();
        assertThat(errors(inv(", node_os: debian12", "pg_version: 17\n"))).singleElement().asString()
                .contains("all.children.pg-v.hosts.10.213.0.21.node_os").contains("node 10.213.0.21")
                .contains("Debian 12 (bookworm)").contains("PostgreSQL 15, not 17");
        assertThat(errors(inv(", node_os: centos9", ""))).anyMatch(e -> e.contains("unknown OS 'centos9'"));
        assertThat(warnings(inv("", "pg_version: 18\n"))).anyMatch(e -> e.contains("PostgreSQL 18 is not carried"));
    }

    @Test
    void pgModeAndCitusShapes_areRefusedByName() {
        assertThat(errors(inv("", "pg_mode: mssql\n"))).singleElement().asString()
                .contains("pg_mode 'mssql' of cluster pg-v is not supported").contains("pg_mode: pgsql");
        String citus = """
                all:
                  children:
                    etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }
                    pg-citus:
                      hosts:
                        10.213.0.21: { pg_group: 0, pg_cluster: pg-citus1, pg_seq: 1, pg_role: primary }
                        10.213.0.31: { pg_group: 1, pg_cluster: pg-citus2, pg_seq: 1, pg_role: primary }
                      vars: { pg_mode: citus, pg_shard: pg-citus }
                """;
        assertThat(errors(Inventory.parseUnvalidated(citus, "citus"))).singleElement().asString()
                .contains("all.children.pg-citus").contains("pg_mode 'citus'").contains("pg-citus1, pg-citus2")
                .contains("not supported");
    }

    @Test
    void extensions_resolveToDebianPackagesPerVersion() {
        ExtensionCatalog cat = ExtensionCatalog.get();
        assertThat(cat.resolve("postgis", 15, false).packages()).containsExactly("postgresql-15-postgis-3");
        assertThat(cat.resolve("vector", 17, false).packages()).containsExactly("postgresql-17-pgvector");
        assertThat(cat.resolve("postgresql-$v-cron", 17, false).packages()).containsExactly("postgresql-17-cron");
        assertThat(cat.resolve("pgvector", 15, false).problem()).hasValueSatisfying(p ->
                assertThat(p).contains("pgvector").contains("PostgreSQL 15").contains("Debian 12").contains("17 (Debian 13)"));
        assertThat(cat.resolve("postgresql-15-postgis-3", 17, false).problem()).isPresent();
        assertThat(cat.resolve("patroni", 15, true).packages()).containsExactly("patroni");
        assertThat(cat.resolve("documentdb", 17, false).problem()).hasValueSatisfying(p -> assertThat(p).contains("unknown extension"));
        assertThat(cat.resolve("pgsql-main", 15, true).packages()).contains("postgresql-15").doesNotContain("postgresql-15-pgvector");
        assertThat(cat.forCreate("pg_trgm", 15).packages()).isEmpty();
        assertThat(cat.forCreate("plpython3u", 17).packages()).containsExactly("postgresql-plpython3-17");
        assertThat(cat.find("pg_cron").flatMap(ExtensionCatalog.Entry::preload)).contains("pg_cron");
        assertThat(cat.find("wal2json").orElseThrow().create()).isEmpty();
        assertThat(ExtensionCatalog.libraries("'$libdir/passwordcheck', vchord.so , auto_explain"))
                .containsExactly("passwordcheck", "vchord", "auto_explain");
    }

    @Test
    void extensionRules_refuseBeforeAnyHostIsTouched() {
        assertThat(errors(inv(", node_os: debian12", "pg_extensions: [pgvector]\n"))).singleElement().asString()
                .contains("pg_extensions[0]").contains("10.213.0.21").contains("Debian 12 (bookworm)")
                .contains("'pgvector' has no Debian package for PostgreSQL 15");
        assertThat(errors(inv("", "pg_version: 17\npg_extensions: [pgvector, timescaledb]\npg_libs: 'timescaledb, pg_stat_statements'\n")))
                .isEmpty();
        assertThat(errors(inv("", "pg_libs: 'timescaledb, pg_stat_statements, auto_explain'\n"))).singleElement().asString()
                .contains("pg_libs").contains("library 'timescaledb' is not installed").contains("no Debian package for PostgreSQL 15");
        assertThat(errors(inv("", "pg_extensions: [pg_cron]\npg_libs: 'pg_cron, pg_stat_statements'\n"))).isEmpty();
        assertThat(errors(inv("", "pg_databases:\n  - { name: app, extensions: [{ name: pg_cron }] }\n")))
                .anyMatch(e -> e.contains("pg_databases[0].extensions[0]") && e.contains("must be preloaded"))
                .anyMatch(e -> e.contains("cron.database_name"));
        assertThat(errors(inv("", "pg_libs: 'pg_cron'\npg_parameters: { cron.database_name: app }\n"
                + "pg_databases:\n  - { name: app, extensions: [pg_cron] }\n"))).isEmpty();
        assertThat(errors(inv("", "pg_databases:\n  - { name: app, extensions: [postgis, vector] }\n")))
                .singleElement().asString().contains("extensions[1]").contains("pgvector");
        Inventory ok = inv("", "pg_databases:\n  - { name: app, extensions: [postgis] }\n");
        assertThat(ExtensionCatalog.clusterPackages(ok, ok.requireCluster("pg-v"))).containsExactly("postgresql-15-postgis-3");
    }
}
