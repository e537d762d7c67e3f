package io.pigsty.api.pgsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.pgsql.internal.DatabaseSql;
import io.pigsty.api.pgsql.internal.ModelSpecs;
import io.pigsty.api.pgsql.internal.PgsqlFileSet;
import io.pigsty.api.pgsql.internal.UserSql;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped samples through ModelSpecs: role filtering per instance and where secrets may appear. */
class SampleRenderTest {
    private final Inventory inv = Inventory.sample("sandbox").withGeneratedPasswords(new SecureRandom());
    private final PgCluster pgTest = inv.requireCluster("pg-test");

    private PgsqlFileSet files(int seq) {
        PgInstance i = pgTest.instance(seq).orElseThrow();
        return new PgsqlFileSet(ModelSpecs.spec(inv, pgTest, i, inv.resolve(pgTest, i)), Ftl::render);
    }

    @Test
    void offlineRuleFollowsRoleAndOfflineQuery() {
        String offlineRule = "(?m)^host\\s+all\\s+\\+dbrole_offline\\s+10\\.0\\.0\\.0/8\\s+scram-sha-256$";
        assertThat(files(1).pgHba()).doesNotContainPattern(offlineRule).contains("# dbsu access via local os user ident [common]");
        assertThat(files(2).pgHba()).doesNotContainPattern(offlineRule);
        assertThat(files(3).pgHba()).containsPattern(offlineRule);   // replica with pg_offline_query: true
        assertThat(files(1).pgHba()).containsPattern("(?m)^host\\s+all\\s+dbuser_monitor\\s+10\\.213\\.0\\.10/32\\s+scram-sha-256$");
    }

    @Test
    void pgbouncerListsTheSampleUserAndDatabase() {
        PgsqlFileSet f = files(1);
        assertThat(f.databaseTxt()).containsPattern("(?m)^test\\s+= host=/var/run/postgresql port=5432 dbname=test ");
        assertThat(f.userlist()).contains("\"test\" \"").contains("\"dbuser_dba\" \"").contains("\"postgres\" \"\"")
                .doesNotContain("\"replicator\"");
        assertThat(f.pgbouncerIni()).contains("listen_addr                 = *").contains("listen_port                 = 6432");
    }

    @Test
    void secretsOnlyInFilesThatMustHoldThem() {
        PgInstance p = pgTest.primary().orElseThrow();
        Resolved vars = inv.resolve(pgTest, p);
        List<String> secrets = new ArrayList<>(List.of(vars.get(Params.PG_ADMIN_PASSWORD).reveal(),
                vars.get(Params.PG_MONITOR_PASSWORD).reveal(), vars.get(Params.PG_REPLICATION_PASSWORD).reveal()));
        vars.get(Params.PG_USERS).forEach(u -> u.password().ifPresent(s -> secrets.add(s.reveal())));
        PgsqlFileSet f = files(1);
        Map<String, String> open = new LinkedHashMap<>();   // files written 0640/0644
        open.put("pg_hba.conf", f.pgHba());
        open.put("pgb_hba.conf", f.pgbHba());
        open.put("pgbouncer.ini", f.pgbouncerIni());
        open.put("database.txt", f.databaseTxt());
        open.put("useropts.txt", f.useropts());
        open.put("pgbouncer.service", f.pgbouncerUnit());
        open.put("pg-init-template.sql", f.templateSql());
        for (DatabaseSql.Database d : f.spec().databases()) {
            open.put(f.dbSqlPath(d), f.dbSql(d));
        }
        for (UserSql.User u : f.spec().users()) {
            open.put("probe " + u.name(), UserSql.convergedQuery(u, f.spec().dbsu()));
        }
        for (Map.Entry<String, String> e : open.entrySet()) {
            for (String s : secrets) {
                assertThat(e.getValue()).as(e.getKey()).doesNotContain(s);
            }
        }
        // and the 0600 ones do hold them (else the test above would prove nothing)
        String closed = f.userlist() + f.pgpass() + String.join("", f.spec().users().stream().map(f::userSql).toList());
        // (a role's password only as its SCRAM verifier: pgpass holds the plain text the SDK logs in with)
        for (String s : secrets) {
            boolean asVerifier = f.spec().users().stream().anyMatch(u -> closed.contains(
                    io.pigsty.api.pgsql.internal.Scram.stored(u.name(), s, "scram-sha-256")));
            assertThat(closed.contains(s) || asVerifier).as("a 0600 file holds %s or its verifier", s.length()).isTrue();
        }
        assertThat(f.userlist()).doesNotContainPattern("\"[^\"]+\" \"(?!SCRAM-SHA-256\\$4096:|\")");
    }
}
