package io.pigsty.examples.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.model.Inventory;
import io.pigsty.model.Severity;
import io.pigsty.sandbox.PigstySandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 12 on the sandbox (PENDING: written, not run; the coordinator moves it into pigsty-it).
 * Needs six nodes, 10.213.0.14 and .15 booted from the Debian 13 node template (the sandbox's
 * per-node template choice is sbx's design: map it to {@code node_os} of the inventory), the
 * others from Debian 12, with these packages in the templates' apt cache or reachable archive:
 * Debian 12 postgresql-15-postgis-3 postgresql-15-cron cron; Debian 13 postgresql-17
 * postgresql-client-17 postgresql-17-pgvector postgresql-17-postgis-3 postgresql-17-cron cron
 * patroni pgbouncer haproxy python3-psycopg2 python3-etcd.
 */
@PigstySandbox(nodes = 6)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VersionsSandboxPending {
    static final String INVENTORY = """
            all:
              children:
                infra: { hosts: { 10.213.0.10: { infra_seq: 1 } } }
                etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }
                pg-test:
                  hosts:
                    10.213.0.11: { pg_seq: 1, pg_role: primary }
                    10.213.0.12: { pg_seq: 2, pg_role: replica }
                  vars:
                    pg_cluster: pg-test
                    pg_version: 15
                    node_os: debian12
                    pg_extensions: [ postgis, pg_cron ]
                    pg_libs: 'pg_cron, pg_stat_statements, auto_explain'
                    pg_parameters: { cron.database_name: test }
                    pg_users: [ { name: test, password: Test.Pass.1, pgbouncer: true, roles: [dbrole_admin] } ]
                    pg_databases: [ { name: test, owner: test, extensions: [ postgis, pg_cron ] } ]
                    pg_crontab: [ '* * * * * id -un > /tmp/pg-crontab-ran' ]
                pg-v17:
                  hosts:
                    10.213.0.14: { pg_seq: 1, pg_role: primary }
                    10.213.0.15: { pg_seq: 2, pg_role: replica }
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
              vars: { admin_ip: 10.213.0.10, node_cpu: 1, node_mem_mb: 1024, node_disk_gb: 20, pg_rto: fast }
            """;
    static final Inventory INV = Inventory.parse(INVENTORY, "versions-sandbox");
    static final Pigsty PIGSTY = Pigsty.builder().inventory(INV).build();

    static Connection connect(String host, String db) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "dbuser_dba");
        p.setProperty("password", "DBUser.DBA");
        p.setProperty("connectTimeout", "5");
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":5432/" + db, p);
    }

    static String one(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @Order(1)
    void deploy_pg15OnDebian12_andPg17OnDebian13_inOneRun(Executor ex) {
        for (Playbook pb : List.of(Playbook.node("pg-test"), Playbook.node("pg-v17"), Playbook.etcd(),
                Playbook.pgsqlCreate("pg-test"), Playbook.pgsqlCreate("pg-v17"))) {
            ApplyResult r = PIGSTY.plan(pb).apply(ex, new ConsoleProgressListener(System.out));
            PlanAssert.assertThat(r).hasNoFailures();
        }
    }

    @Test
    @Order(2)
    void versionsAndExtensions_workOnBoth() throws Exception {
        for (String[] node : List.of(new String[] {"10.213.0.11", "15"}, new String[] {"10.213.0.14", "17"})) {
            try (Connection c = connect(node[0], "test")) {
                assertThat(one(c, "select version()")).contains("PostgreSQL " + node[1] + ".");
                assertThat(one(c, "select ST_Distance('POINT(0 0)'::geometry, 'POINT(3 4)'::geometry)")).isEqualTo("5");
                assertThat(one(c, "show shared_preload_libraries")).contains("pg_cron");
                try (Statement s = c.createStatement()) {
                    s.execute("create table if not exists cron_hits(at timestamptz default now())");
                    s.execute("select cron.schedule('hit', '* * * * *', 'insert into cron_hits default values')");
                }
                long deadline = System.nanoTime() + 75_000_000_000L; // the next minute boundary, with margin
                String hits = "0";
                while (System.nanoTime() < deadline && hits.equals("0")) {
                    Thread.sleep(1000);
                    hits = one(c, "select count(*) from cron_hits");
                }
                assertThat(hits).as("pg_cron ran a job within 75 s on " + node[0]).isNotEqualTo("0");
            }
        }
        try (Connection c = connect("10.213.0.14", "test"); Statement s = c.createStatement()) {
            s.execute("create table if not exists items(id int primary key, v vector(3))");
            s.execute("insert into items values (1, '[1,1,1]'), (2, '[5,5,5]'), (3, '[9,0,0]') on conflict do nothing");
            assertThat(one(c, "select id from items order by v <-> '[4,5,6]' limit 1")).isEqualTo("2");
        }
    }

    @Test
    @Order(3)
    void pgCrontab_isInstalledAndRunsAsTheDbsu(Executor ex) throws Exception {
        for (String ip : List.of("10.213.0.11", "10.213.0.14")) {
            Host h = Host.of(ip);
            assertThat(ex.run(h, Command.shell("crontab -l -u postgres").build()).stdout())
                    .contains("# Pigsty Managed Crontab for postgres").contains("id -un > /tmp/pg-crontab-ran");
            long deadline = System.nanoTime() + 75_000_000_000L;
            String who = "";
            while (System.nanoTime() < deadline && !who.equals("postgres")) {
                Thread.sleep(2000);
                who = ex.run(h, Command.shell("cat /tmp/pg-crontab-ran 2>/dev/null || true").build()).stdout().strip();
            }
            assertThat(who).as("the pg_crontab entry ran on " + ip + " within 75 s").isEqualTo("postgres");
        }
    }

    @Test
    @Order(4)
    void aVersionTheOsDoesNotCarry_isRefusedByThePreflight_andOfflineWhenDeclared(Executor ex) {
        // pg-test's Debian 12 nodes asked for 17 without declaring their OS: only the gathered facts can tell
        Inventory wrong = Inventory.parse(INVENTORY.replace("pg_version: 15\n                    node_os: debian12\n",
                "pg_version: 17\n").replace("pg_extensions: [ postgis, pg_cron ]", "pg_extensions: [ postgis ]")
                .replace("extensions: [ postgis, pg_cron ] } ]\n                    pg_crontab", "extensions: [ postgis ] } ]\n                    pg_crontab"), "wrong");
        ApplyResult r = Pigsty.builder().inventory(wrong).build().plan(Playbook.pgsqlCreate("pg-test"))
                .apply(ex, new ConsoleProgressListener(System.out));
        assertThat(r.steps()).anyMatch(s -> s.stepId().equals("preflight:os") && s.status() == StepStatus.FAILED
                && s.error().orElse("").contains("node 10.213.0.11 runs Debian 12 (bookworm), which has PostgreSQL 15, not 17"));
        assertThat(r.steps()).noneMatch(s -> s.phase().equals("node") && s.status() == StepStatus.CHANGED);
        // pgvector on Debian 12 is refused offline, naming node, OS and extension
        Inventory vector = Inventory.parseUnvalidated(INVENTORY.replace("pg_extensions: [ postgis, pg_cron ]",
                "pg_extensions: [ postgis, pg_cron, pgvector ]"), "vector");
        assertThat(vector.validate().violations()).anyMatch(v -> v.severity() == Severity.ERROR
                && v.reason().contains("10.213.0.11") && v.reason().contains("Debian 12") && v.reason().contains("pgvector"));
    }
}
