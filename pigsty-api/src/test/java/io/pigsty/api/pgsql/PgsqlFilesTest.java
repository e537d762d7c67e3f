package io.pigsty.api.pgsql;

import io.pigsty.model.Secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.pgsql.internal.DatabaseSql;
import io.pigsty.api.pgsql.internal.HbaRules;
import io.pigsty.api.pgsql.internal.PgsqlFileSet;
import io.pigsty.api.pgsql.internal.PrivilegeSql;
import io.pigsty.api.pgsql.internal.UserSql;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Offline semantics of the PGSQL-core files (the real programs read them in PgsqlRealReadersIT). */
class PgsqlFilesTest {
    private final PgsqlFileSet files = new PgsqlFileSet(Fixture.spec(), Ftl::render);

    @Test
    void hbaExpandsAliasesPlaceholdersAndOrder() {
        String hba = files.pgHba();
        assertThat(hba).containsPattern("(?m)^local\\s+all\\s+postgres\\s+peer$")          // ident on a socket is peer
                .containsPattern("(?m)^host\\s+replication\\s+replicator\\s+10\\.0\\.0\\.0/8\\s+scram-sha-256$")
                .containsPattern("(?m)^hostssl\\s+all\\s+dbuser_dba\\s+0\\.0\\.0\\.0/0\\s+scram-sha-256$")
                .containsPattern("(?m)^hostssl\\s+all\\s+dbuser_dba\\s+::/0\\s+scram-sha-256$")
                .containsPattern("(?m)^hostssl\\s+all\\s+dbuser_dba\\s+10\\.213\\.0\\.10/32\\s+scram-sha-256$")
                .containsPattern("(?m)^host\\s+all\\s+dbuser_monitor\\s+127\\.0\\.0\\.1/32\\s+scram-sha-256$")
                .containsPattern("(?m)^host\\s+all\\s+dbuser_app\\s+127\\.0\\.0\\.1/32\\s+reject$")
                .contains("# no app login on loopback [common]");
        // order: the user's order-10 deny comes before the order-100 dbsu rule
        assertThat(hba.indexOf("no app login on loopback")).isLessThan(hba.indexOf("dbsu access via local os user ident"));
        // a replica-only rule is rendered, commented out, on the primary
        assertThat(hba).contains("# replica only: trust loopback [replica] [DISABLED]")
                .containsPattern("(?m)^#host\\s+all\\s+all\\s+127\\.0\\.0\\.1/32\\s+trust$")
                .doesNotContainPattern("(?m)^host\\s+all\\s+all\\s+127\\.0\\.0\\.1/32\\s+trust$");
    }

    @Test
    void offlineRulesFollowOfflineQueryAndMd5FollowsPwdEnc() {
        HbaRules.Rule off = new HbaRules.Rule("+dbrole_offline", "all", Optional.of("cluster"), "pwd",
                Optional.of("etl"), "offline", 1000, List.of());
        HbaRules.Context replica = new HbaRules.Context("postgres", "replicator", "dbuser_monitor", "dbuser_dba",
                "10.213.0.10", List.of(), List.of("10.213.0.11"), List.of(), "md5", "replica", true, false);
        var r = HbaRules.expand(List.of(off), replica, "pg_hba_rules");
        assertThat(r.get(0).get("enabled")).isEqualTo(true);
        assertThat(r.get(0).get("lines").toString()).contains("md5").contains("10.213.0.11/32");
        HbaRules.Context plain = new HbaRules.Context("postgres", "replicator", "dbuser_monitor", "dbuser_dba",
                "10.213.0.10", List.of(), List.of("10.213.0.11"), List.of(), "scram-sha-256", "replica", false, false);
        assertThat(HbaRules.expand(List.of(off), plain, "pg_hba_rules").get(0).get("enabled")).isEqualTo(false);
    }

    /** Validation owns these rules (the model's invalid corpus holds each); the renderer only asserts. */
    @Test
    void invalidRulesReachingTheRenderer_areABug_namedByField() {
        HbaRules.Context c = new HbaRules.Context("postgres", "r", "m", "a", "10.0.0.1", List.of(), List.of(), List.of(),
                "scram-sha-256", "primary", false, false);
        assertThatThrownBy(() -> HbaRules.expand(List.of(new HbaRules.Rule("all", "all", Optional.of("moon"), "pwd",
                Optional.of("t"), "common", 5, List.of())), c, "pg_hba_rules"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("bug: ")
                .hasMessageContaining("pg_hba_rules[order 5, 't'].addr").hasMessageContaining("moon");
        assertThatThrownBy(() -> HbaRules.expand(List.of(new HbaRules.Rule("all", "all", Optional.of("world"), "kerberos",
                Optional.empty(), "common", 5, List.of())), c, "pg_hba_rules")).hasMessageContaining("auth").hasMessageContaining("kerberos");
        assertThatThrownBy(() -> HbaRules.expand(List.of(new HbaRules.Rule("evil user\nhost all all 0.0.0.0/0 trust", "all",
                Optional.of("world"), "pwd", Optional.empty(), "common", 5, List.of())), c, "pg_hba_rules"))
                .hasMessageContaining("user");
        assertThatThrownBy(() -> HbaRules.expand(List.of(new HbaRules.Rule("all", "replication", Optional.of("world"), "pwd",
                Optional.empty(), "common", 5, List.of())), new HbaRules.Context("postgres", "r", "m", "a", "10.0.0.1",
                List.of(), List.of(), List.of(), "scram-sha-256", "primary", false, true), "pgb_hba_rules"))
                .hasMessageContaining("replication");
        assertThatThrownBy(() -> HbaRules.expand(List.of(new HbaRules.Rule("+dbrole_readonly", "all", Optional.of("world"), "pwd",
                Optional.empty(), "common", 5, List.of())), new HbaRules.Context("postgres", "r", "m", "a", "10.0.0.1",
                List.of(), List.of(), List.of(), "scram-sha-256", "primary", false, true), "pgb_hba_rules"))
                .hasMessageContaining("+dbrole_readonly");
    }

    @Test
    void hostileNamesAreQuotedNeverPasted() {
        UserSql.User evil = new UserSql.User("x_\"; DROP TABLE t; --", Optional.of(Secret.of("p'; DROP ROLE postgres; --")), false,
                true, true, false, false, false, false, false, -1, Optional.empty(), Optional.empty(),
                "it's $$ \\ \n new line", List.of("dbrole_\"ro"), Map.of("search_path", "'); DROP"));
        assertThatThrownBy(() -> UserSql.data(evil, java.util.Set.of(), "postgres")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pg_users[x_\"; DROP TABLE t; --].name");
        UserSql.User u = new UserSql.User("odd$name", Optional.of(Secret.of("p'; DROP ROLE postgres; --")), false,
                true, true, false, false, false, false, false, -1, Optional.empty(), Optional.empty(),
                "it's $$ \\ comment", List.of("dbrole_\"ro"), Map.of("search_path", "'); DROP"));
        String sql = files.userSql(u);
        assertThat(sql).contains("ALTER ROLE \"odd$name\" PASSWORD 'p''; DROP ROLE postgres; --';")
                .contains("COMMENT ON ROLE \"odd$name\" IS 'it''s $$ \\ comment';")
                .contains("GRANT \"dbrole_\"\"ro\" TO \"odd$name\";")
                .contains("SET \"search_path\" = '''); DROP';")
                .contains("SELECT 'CREATE ROLE \"odd$name\"' WHERE NOT EXISTS");
        assertThatThrownBy(() -> PrivilegeSql.parse("GRANT SELECT ON TABLES TO x; DROP TABLE y"))
                .hasMessageContaining("pg_default_privileges");
        assertThat(PrivilegeSql.statements(List.of("GRANT SELECT ON TABLES TO dbrole_readonly"), List.of("postgres")))
                .containsExactly("ALTER DEFAULT PRIVILEGES FOR ROLE \"postgres\" GRANT SELECT ON TABLES TO \"dbrole_readonly\";");
    }

    @Test
    void systemRolesAndDatabasesAreNeverDropped() {
        UserSql.User dropDba = new UserSql.User("dbuser_dba", Optional.empty(), true, true, true, false, false, false,
                false, false, -1, Optional.empty(), Optional.empty(), "x", List.of(), Map.of());
        assertThatThrownBy(() -> files.userSql(dropDba)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("drop of system role dbuser_dba");
        DatabaseSql.Database dropPostgres = new DatabaseSql.Database("postgres", "absent", "postgres", "x", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                false, true, false, -1, List.of(), List.of(), Map.of());
        assertThatThrownBy(() -> files.dbSql(dropPostgres)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("drop of system database postgres");
    }

    @Test
    void pgbouncerFilesHoldOnlyPooledUsersAndPasswordsOnlyInUserlist() {
        assertThat(files.userlist()).contains("\"test\" \"" + Fixture.stored("test", Fixture.TEST_PASSWORD).reveal() + "\"")
                .contains("\"dbuser_app\" \"SCRAM-SHA-256$4096:").doesNotContain(Fixture.TEST_PASSWORD)
                .doesNotContain(Fixture.APP_PASSWORD)
                .doesNotContain("replicator");                       // pgbouncer: false
        assertThat(files.useropts()).containsPattern("(?m)^dbuser_dba\\s+= pool_mode=session max_user_connections=16$");
        assertThat(files.databaseTxt()).containsPattern(
                "(?m)^app\\s+= host=/var/run/postgresql port=5432 dbname=app pool_mode=session pool_size=64 min_pool_size=0 reserve_pool=32 max_db_connections=100$");
        assertThat(files.pgbouncerIni()).contains("auth_type                   = hba")
                .contains("admin_users                 = postgres, dbuser_dba")
                .contains("%include /etc/pgbouncer/database.txt").doesNotContain("max_prepared_statements");
        for (String f : List.of(files.pgbouncerIni(), files.databaseTxt(), files.useropts(), files.pgbHba(), files.pgHba(),
                files.pgbouncerUnit(), files.templateSql())) {
            assertThat(f).doesNotContain(Fixture.TEST_PASSWORD).doesNotContain("DBUser.DBA").doesNotContain(Fixture.APP_PASSWORD);
        }
        assertThat(files.pgpass()).contains("*:*:*:dbuser_dba:DBUser.DBA");
        assertThat(files.pgbouncerUnit()).contains("ExecStart=/usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini")
                .contains("User=postgres").contains("ExecReload=/bin/kill -HUP $MAINPID");
    }

    @Test
    void renderingIsDeterministic() {
        PgsqlFileSet again = new PgsqlFileSet(Fixture.spec(), Ftl::render);
        assertThat(again.pgHba()).isEqualTo(files.pgHba());
        assertThat(again.pgbHba()).isEqualTo(files.pgbHba());
        assertThat(again.templateSql()).isEqualTo(files.templateSql());
        for (DatabaseSql.Database d : Fixture.spec().databases()) {
            assertThat(again.dbSql(d)).isEqualTo(files.dbSql(d));
        }
    }

    @Test
    void pgRepackIsNotedAsSkipped() {
        assertThat(files.skippedExtensions()).containsExactly("pg_repack");
        assertThat(files.templateSql()).contains("WHERE EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'pg_repack')");
    }

    @Test
    void scramVerifierIsDeterministicAndAcceptsOnlyItsPassword() {
        String v = io.pigsty.api.pgsql.internal.Scram.stored("test", "Test.Secret-42", "scram-sha-256");
        assertThat(v).matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}")
                .isEqualTo(io.pigsty.api.pgsql.internal.Scram.stored("test", "Test.Secret-42", "scram-sha-256"));
        assertThat(io.pigsty.api.pgsql.internal.Scram.matches(v, "test", "Test.Secret-42")).isTrue();
        assertThat(io.pigsty.api.pgsql.internal.Scram.matches(v, "test", "Test.Secret-43")).isFalse();
        // another user with the same password gets another salt; a given verifier passes through
        assertThat(io.pigsty.api.pgsql.internal.Scram.stored("app", "Test.Secret-42", "scram-sha-256").substring(0, 44))
                .isNotEqualTo(v.substring(0, 44));
        assertThat(io.pigsty.api.pgsql.internal.Scram.stored("x", v, "md5")).isEqualTo(v);
        assertThat(io.pigsty.api.pgsql.internal.Scram.stored("u", "p", "md5")).startsWith("md5").hasSize(35);
    }
}
