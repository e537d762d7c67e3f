package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.model.HbaRule;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.sandbox.PigstySandbox;
import io.pigsty.sandbox.Sandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The first real deployment: the sandbox inventory applied over SSH to four systemd-nspawn
 * nodes (node, etcd, pgsql), then what a client sees through every service, idempotence, an HBA
 * change that reloads instead of restarting, and the guarded removal.
 */
@PigstySandbox(nodes = 4)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxDeployIT {
    static final Inventory INV = Inventory.sample("sandbox");
    static final Pigsty PIGSTY = Pigsty.builder().inventory(INV).build();

    static ApplyResult apply(Pigsty pigsty, Playbook pb, Executor ex) {
        ApplyResult r = pigsty.plan(pb, pigsty.gatherFacts(ex)).apply(ex, new ConsoleProgressListener(System.out));
        PlanAssert.assertThat(r).hasNoFailures();
        return r;
    }

    static Connection connect(String host, int port, String user, String password, String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "20");
        p.setProperty("sslmode", "disable");
        p.setProperty("preferQueryMode", "simple"); // transaction pooling: no server-side prepared statements
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, p);
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @Order(1)
    void deploy_nodeEtcdPgsql(Sandbox sandbox, Executor ex) {
        for (Playbook pb : List.of(Playbook.node("pg-meta"), Playbook.node("pg-test"), Playbook.etcd(),
                Playbook.pgsqlCreate("pg-meta"), Playbook.pgsqlCreate("pg-test"))) {
            apply(PIGSTY, pb, ex);
        }
        assertThat(sandbox.nodes()).allMatch(n -> n.isRunning());
    }

    @Test
    @Order(2)
    void services_routeAsPigstyPromises() throws Exception {
        String dba = "dbuser_dba";
        String pw = "DBUser.DBA";
        try (Connection c = connect("10.213.0.12", 5433, dba, pw, "test")) {
            assertThat(one(c, "select pg_is_in_recovery()")).isEqualTo("f");
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists deploy_it(id int primary key, v text)");
                s.execute("insert into deploy_it values (1, 'via 10.213.0.12:5433') on conflict (id) do nothing");
            }
        }
        try (Connection c = connect("10.213.0.11", 5432, dba, pw, "test")) {
            assertThat(one(c, "select v from deploy_it where id = 1")).isEqualTo("via 10.213.0.12:5433");
            assertThat(one(c, "select count(*) from pg_stat_replication where state = 'streaming'")).isEqualTo("2");
        }
        try (Connection c = connect("10.213.0.11", 5434, dba, pw, "test")) {
            assertThat(one(c, "select pg_is_in_recovery()")).isEqualTo("t");
        }
        try (Connection c = connect("10.213.0.11", 5438, dba, pw, "postgres")) {
            assertThat(one(c, "select host(inet_server_addr())")).isEqualTo("10.213.0.13");
        }
        try (Connection c = connect("10.213.0.3", 5432, dba, pw, "postgres")) {
            assertThat(one(c, "select pg_is_in_recovery()")).as("the VIP is on the primary").isEqualTo("f");
        }
        try (Connection c = connect("10.213.0.13", 6432, "test", "Test.Pass.1", "test")) {
            assertThat(one(c, "select current_user")).as("PgBouncer serves user test").isEqualTo("test");
        }
    }

    @Test
    @Order(3)
    void secondApply_changesNothing(Executor ex) {
        for (Playbook pb : List.of(Playbook.node("pg-test"), Playbook.etcd(), Playbook.pgsqlCreate("pg-test"))) {
            PlanAssert.assertThat(apply(PIGSTY, pb, ex)).changed(0);
        }
    }

    @Test
    @Order(4)
    void hbaChange_reloadsWithoutRestart(Executor ex) throws Exception {
        String started;
        try (Connection c = connect("10.213.0.11", 5432, "dbuser_dba", "DBUser.DBA", "postgres")) {
            started = one(c, "select pg_postmaster_start_time()");
        }
        PgCluster c = INV.requireCluster("pg-test").toBuilder()
                .hbaRule(HbaRule.of("test", "test", "10.213.0.1/32", "pwd").title("sandbox host").order(900).build()).build();
        Inventory changed = INV.withCluster(c);
        ApplyResult r = apply(Pigsty.builder().inventory(changed).build(), Playbook.pgsqlHba("pg-test"), ex);
        assertThat(r.changedSteps()).isNotEmpty().allMatch(s -> s.endsWith("file:/pg/conf/pg_hba.conf"));
        assertThat(r.changedCount()).isEqualTo(3);
        try (Connection conn = connect("10.213.0.11", 5432, "dbuser_dba", "DBUser.DBA", "postgres")) {
            assertThat(one(conn, "select pg_postmaster_start_time()")).as("reload, not restart").isEqualTo(started);
            assertThat(one(conn, "select count(*) from pg_hba_file_rules where address = '10.213.0.1'")).isEqualTo("1");
        }
        apply(PIGSTY, Playbook.pgsqlHba("pg-test"), ex);
    }

    @Test
    @Order(5)
    void userChange_changesExactlyThatUser(Executor ex) throws Exception {
        PgCluster c = INV.requireCluster("pg-test");
        PgCluster changed = c.toBuilder().build();
        java.util.List<io.pigsty.model.PgUser> users = new java.util.ArrayList<>(changed.users());
        users.replaceAll(u -> u.name().equals("test") ? u.toBuilder().password("Test.Pass.2").connlimit(50).build() : u);
        Inventory inv = INV.withCluster(new PgCluster(c.name(),
                c.vars().with(io.pigsty.model.Params.PG_USERS, java.util.List.copyOf(users)), c.instances()));
        ApplyResult r = apply(Pigsty.builder().inventory(inv).build(), Playbook.pgsqlCreate("pg-test"), ex);
        assertThat(r.changedSteps()).isNotEmpty().allMatch(s -> s.contains("pgsql:user:test")
                || s.contains("/etc/pgbouncer/userlist.txt"));
        try (Connection conn = connect("10.213.0.11", 5432, "test", "Test.Pass.2", "test")) {
            assertThat(one(conn, "select rolconnlimit from pg_roles where rolname = 'test'")).isEqualTo("50");
        }
        PlanAssert.assertThat(apply(PIGSTY, Playbook.pgsqlCreate("pg-test"), ex)).hasNoFailures();
    }

    @Test
    @Order(6)
    void pgsqlRm_refusesALiveCluster_thenRemovesAndRecreates(Executor ex) throws Exception {
        ApplyResult refused = PIGSTY.plan(Playbook.pgsqlRemove("pg-test"), PIGSTY.gatherFacts(ex))
                .apply(ex, new ConsoleProgressListener(System.out));
        assertThat(refused.ok()).isFalse();
        assertThat(refused.steps()).filteredOn(s -> s.error().isPresent())
                .allMatch(s -> s.error().get().contains("refusing to remove live cluster pg-test"));
        assertThat(refused.changedCount()).isZero();
        apply(PIGSTY, Playbook.pgsqlRemove("pg-test").allowLive(), ex);
        apply(PIGSTY, Playbook.pgsqlCreate("pg-test"), ex);
        try (Connection c = connect("10.213.0.12", 5433, "dbuser_dba", "DBUser.DBA", "test")) {
            assertThat(one(c, "select pg_is_in_recovery()")).isEqualTo("f");
            assertThat(one(c, "select count(*) from pg_tables where tablename = 'deploy_it'")).as("fresh cluster").isEqualTo("0");
        }
    }

    @Test
    @Order(7)
    void vendorSwitchover_movesThePrimary_andShowsBeforeAfter() throws Exception {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int rc = VendorSwitchover.run(INV, "pg-test", java.util.Optional.of("pg-test-2"),
                new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(rc).as(out).isZero();
        assertThat(out).contains("before:").contains("after (");
        try (Connection c = connect("10.213.0.12", 5432, "dbuser_dba", "DBUser.DBA", "postgres")) {
            assertThat(one(c, "select pg_is_in_recovery()")).as("pg-test-2 is the primary now").isEqualTo("f");
        }
        try (Connection c = connect("10.213.0.13", 5433, "dbuser_dba", "DBUser.DBA", "test")) {
            assertThat(one(c, "select pg_is_in_recovery()")).isEqualTo("f");
        }
    }
}
