package io.pigsty.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.model.Inventory;
import io.pigsty.model.Severity;
import io.pigsty.test.PlanAssert;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * PostgreSQL versions and extensions on real nodes (issue 12): pg-v17, a PostgreSQL 17 cluster on
 * the two Debian 13 nodes of the shared sandbox (10.213.0.16, .17), is deployed by the same run
 * beside the Debian 12 / PostgreSQL 15 clusters, from an inventory written as Pigsty writes one
 * ({@code pg_version: 17}, {@code node_os}, {@code pg_bin_dir}, {@code ${ip}} placeholders,
 * {@code pg_max_conn: auto}, an unquoted {@code patroni_watchdog_mode: off}). On both versions
 * (pg-v17 and pg-meta, PostgreSQL 15, whose extensions the shared inventory asks for): the
 * server's version, PostGIS, pg_cron preloaded from {@code pg_libs} and running a job, the
 * {@code pg_crontab} entry running as the dbsu; pgvector's nearest neighbour on 17. A version the
 * node's OS does not carry is refused by the preflight on gathered facts, before any change.
 */
@UsesSharedSandbox
@Order(ItOrder.CHANGES + 30)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VersionsSandboxIT {
    static final String V17_PRIMARY = "10.213.0.16";
    static final String V17_REPLICA = "10.213.0.17";
    static final String META = "10.213.0.10";
    static final String V17 = """
                pg-v17:
                  hosts:
                    10.213.0.16: { pg_seq: 1, pg_role: primary }
                    10.213.0.17: { pg_seq: 2, pg_role: replica }
                  vars:
                    pg_cluster: pg-v17
                    pg_version: 17
                    node_os: debian13
                    pg_bin_dir: /usr/pgsql/bin
                    pg_listen: '${ip},${lo}'
                    pg_max_conn: auto
                    patroni_watchdog_mode: off
                    pg_extensions: [ pgvector, postgis, pg_cron ]
                    pg_libs: 'pg_cron, pg_stat_statements, auto_explain'
                    pg_parameters: { cron.database_name: test }
                    pg_users: [ { name: test, password: Test.Pass.1, pgbouncer: true, roles: [dbrole_admin] } ]
                    pg_databases: [ { name: test, owner: test, extensions: [ vector, postgis, pg_cron ] } ]
                    pg_crontab: [ '* * * * * id -un > /tmp/pg-crontab-ran' ]
            """;

    /** What a change on a node would show: installed packages, and files under /etc with size and mtime. */
    static final String SNAPSHOT = "dpkg-query -W -f '${Package} ${Version} ${Status}\\n' | sha256sum;"
            + " find /etc -xdev -printf '%P %s %T@\\n' | sort | sha256sum";

    static Pigsty pigsty(String group) {
        return SharedSandbox.pigstyFor(Inventory.parse(SharedSandbox.withGroup(SharedSandbox.inventoryText(), group),
                "versions-sandbox"));
    }

    static ApplyResult apply(SharedSandbox shared, Pigsty pigsty, Playbook pb) {
        return pigsty.plan(pb).apply(shared.executor(), new ConsoleProgressListener(System.out));
    }

    static String sh(SharedSandbox shared, String ip, String script) {
        ExecResult r = shared.executor().run(Host.of(ip), Command.shell(script).timeout(Duration.ofSeconds(60)).build());
        assertThat(r.ok()).as(script + " on " + ip + ": " + r.stderr()).isTrue();
        return r.stdout().strip();
    }

    @Test
    @Order(1)
    void deploy_pg17OnDebian13_besideTheDebian12Clusters(SharedSandbox shared) {
        Pigsty p = pigsty(V17);
        long t0 = System.nanoTime();
        for (Playbook pb : List.of(Playbook.node("pg-v17"), Playbook.pgsqlCreate("pg-v17"))) {
            PlanAssert.assertThat(apply(shared, p, pb)).hasNoFailures();
        }
        System.out.printf("pg-v17 (Debian 13, PostgreSQL 17): node + pgsql in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(sh(shared, V17_PRIMARY, ". /etc/os-release; echo $VERSION_CODENAME")).isEqualTo("trixie");
        assertThat(sh(shared, V17_PRIMARY, "readlink -f /usr/pgsql/bin/postgres")).isEqualTo("/usr/lib/postgresql/17/bin/postgres");
    }

    @Test
    @Order(2)
    void versionsAndExtensions_workOnBoth() throws Exception {
        // node -> [version, database]
        Map<String, String[]> nodes = new LinkedHashMap<>();
        nodes.put(META, new String[] {"15", "meta"});
        nodes.put(V17_PRIMARY, new String[] {"17", "test"});
        for (Map.Entry<String, String[]> n : nodes.entrySet()) {
            try (Connection c = SharedSandbox.connectDba(n.getKey(), 5432, n.getValue()[1]); Statement s = c.createStatement()) {
                assertThat(SharedSandbox.one(c, "select version()")).startsWith("PostgreSQL " + n.getValue()[0] + ".");
                assertThat(SharedSandbox.one(c, "select ST_Distance('POINT(0 0)'::geometry, 'POINT(3 4)'::geometry)")).isEqualTo("5");
                assertThat(SharedSandbox.one(c, "show shared_preload_libraries")).contains("pg_cron");
                assertThat(SharedSandbox.one(c, "select count(*) from pg_extension where extname in ('postgis', 'pg_cron')"))
                        .as("the database's extensions were created by the plan").isEqualTo("2");
                s.execute("create table if not exists cron_hits(at timestamptz default now())");
                s.execute("select cron.schedule('pigsty-it-hit', '* * * * *', 'insert into cron_hits default values')");
            }
        }
        // both schedules run within the next minute boundary: wait for both together
        for (Map.Entry<String, String[]> n : nodes.entrySet()) {
            SharedSandbox.await("pg_cron ran a job on " + n.getKey() + " (PostgreSQL " + n.getValue()[0] + ")", Duration.ofSeconds(90),
                    Duration.ofSeconds(2), () -> {
                        try (Connection c = SharedSandbox.connectDba(n.getKey(), 5432, n.getValue()[1])) {
                            return !SharedSandbox.one(c, "select count(*) from cron_hits").equals("0");
                        }
                    });
        }
        for (Map.Entry<String, String[]> n : nodes.entrySet()) {
            try (Connection c = SharedSandbox.connectDba(n.getKey(), 5432, n.getValue()[1]); Statement s = c.createStatement()) {
                s.execute("select cron.unschedule('pigsty-it-hit')");
                s.execute("drop table cron_hits");
            }
        }
        try (Connection c = SharedSandbox.connectDba(V17_PRIMARY, 5432, "test"); Statement s = c.createStatement()) {
            assertThat(SharedSandbox.one(c, "select extversion is not null from pg_extension where extname = 'vector'")).isEqualTo("t");
            s.execute("create table if not exists items(id int primary key, v vector(3))");
            s.execute("insert into items values (1, '[1,1,1]'), (2, '[5,5,5]'), (3, '[9,0,0]') on conflict do nothing");
            assertThat(SharedSandbox.one(c, "select id from items order by v <-> '[4,5,6]' limit 1")).isEqualTo("2");
        }
        SharedSandbox.await("pg-v17's replica streams from its primary", Duration.ofSeconds(60), () -> {
            try (Connection c = SharedSandbox.connectDba(V17_PRIMARY, 5432, "postgres")) {
                return SharedSandbox.one(c, "select count(*) from pg_stat_replication where state = 'streaming'").equals("1");
            }
        });
    }

    @Test
    @Order(3)
    void pgCrontab_isInstalledAndRunsAsTheDbsu(SharedSandbox shared) {
        for (String ip : List.of(META, V17_PRIMARY)) {
            assertThat(sh(shared, ip, "crontab -l -u postgres")).contains("id -un > /tmp/pg-crontab-ran");
        }
        for (String ip : List.of(META, V17_PRIMARY)) {
            SharedSandbox.await("the pg_crontab entry ran as postgres on " + ip, Duration.ofSeconds(90), Duration.ofSeconds(2),
                    () -> sh(shared, ip, "cat /tmp/pg-crontab-ran 2>/dev/null || true").equals("postgres"));
        }
    }

    @Test
    @Order(4)
    void aVersionTheOsDoesNotCarry_isRefusedByThePreflight_andAnExtensionOfflineWhenTheOsIsDeclared(SharedSandbox shared) {
        // pg-v17x asks for 17 on the Debian 12 spare node without declaring its OS: only the gathered facts can tell
        String wrong = """
                    pg-v17x:
                      hosts:
                        10.213.0.15: { pg_seq: 1, pg_role: primary }
                      vars:
                        pg_cluster: pg-v17x
                        pg_version: 17
                """;
        String before = sh(shared, "10.213.0.15", SNAPSHOT);
        ApplyResult r = apply(shared, pigsty(wrong), Playbook.node("pg-v17x"));
        assertThat(r.steps()).anyMatch(s -> s.stepId().equals("preflight:os") && s.status() == StepStatus.FAILED
                && s.error().orElse("").contains("node 10.213.0.15 runs Debian 12 (bookworm), which has PostgreSQL 15, not 17 (pg_version)"));
        assertThat(r.steps()).noneMatch(s -> s.status() == StepStatus.CHANGED);
        assertThat(sh(shared, "10.213.0.15", SNAPSHOT))
                .as("nothing installed or written on the refused node").isEqualTo(before);
        // pgvector has no Debian 12 package for PostgreSQL 15: refused offline when the OS is declared
        Inventory vector = Inventory.parseUnvalidated(SharedSandbox.withGroup(SharedSandbox.inventoryText(), wrong
                .replace("pg_version: 17", "pg_version: 15\n        node_os: debian12\n        pg_extensions: [ pgvector ]")), "vector");
        assertThat(vector.validate().violations()).anyMatch(v -> v.severity() == Severity.ERROR
                && v.reason().contains("10.213.0.15") && v.reason().contains("Debian 12") && v.reason().contains("pgvector"));
    }
}
