package io.pigsty.it;

import static io.pigsty.it.SharedSandbox.connect;
import static io.pigsty.it.SharedSandbox.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.examples.VendorSwitchover;
import io.pigsty.ha.ops.MemberStatus;
import io.pigsty.model.HbaRule;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The first real deployment: the shared sandbox's inventory applied over SSH to four
 * systemd-nspawn nodes (node, etcd, pgsql), then what a client sees through every service,
 * idempotence, an HBA change that reloads instead of restarting, the guarded removal, and a
 * vendor's switchover during which new clients get a working connection or a quick error.
 */
@UsesSharedSandbox
@Order(ItOrder.CHANGES)
class SandboxDeployIT {
    static final Inventory INV = SharedSandbox.loadInventory();
    static final Pigsty PIGSTY = SharedSandbox.pigstyFor(INV);
    /**
     * A client is never left hanging longer than this by a service: it connects or gets an error
     * (PgBouncer's query_wait_timeout is 5 s; the rest is slack for a loaded machine).
     */
    static final long NO_HANG_MS = 9_000;

    static ApplyResult apply(Pigsty pigsty, Playbook pb, Executor ex) {
        ApplyResult r = pigsty.plan(pb, pigsty.gatherFacts(ex)).apply(ex, new ConsoleProgressListener(System.out));
        PlanAssert.assertThat(r).hasNoFailures();
        return r;
    }

    @Test
    @Order(1)
    void deploy_nodeEtcdPgsql(SharedSandbox shared) {
        assertThat(shared.deployResults()).hasSize(SharedSandbox.DEPLOY.size()).allMatch(ApplyResult::ok);
        assertThat(shared.nodes()).allMatch(n -> n.isRunning());
        System.out.printf("deploy took %.1f s (sandbox up + %d playbooks)%n", shared.deployTime().toMillis() / 1000.0,
                SharedSandbox.DEPLOY.size());
    }

    @Test
    @Order(2)
    void services_routeAsPigstyPromises(SharedSandbox shared) throws Exception {
        String dba = "dbuser_dba";
        String pw = "DBUser.DBA";
        try (Connection c = connect("10.213.0.12", 5433, dba, pw, "test")) {
            assertThat(one(c, "select pg_is_in_recovery()")).isEqualTo("f");
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists deploy_it(id int primary key, v text)");
                s.execute("insert into deploy_it values (1, 'via 10.213.0.12:5433') on conflict (id) do nothing");
            }
        }
        try (Connection c = connect(shared.primaryIp("pg-test"), 5432, dba, pw, "test")) {
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
        ApplyResult r = apply(SharedSandbox.pigstyFor(changed), Playbook.pgsqlHba("pg-test"), ex);
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
        ApplyResult r = apply(SharedSandbox.pigstyFor(inv), Playbook.pgsqlCreate("pg-test"), ex);
        assertThat(r.changedSteps()).isNotEmpty().allMatch(s -> s.contains("pgsql:user:test")
                || s.contains("/etc/pgbouncer/userlist.txt"));
        try (Connection conn = connect("10.213.0.11", 5432, "test", "Test.Pass.2", "test")) {
            assertThat(one(conn, "select rolconnlimit from pg_roles where rolname = 'test'")).isEqualTo("50");
        }
        // back to the shipped user with Pigsty's pgsql-user (one user and PgBouncer's lists), not another full pgsql apply
        PlanAssert.assertThat(apply(PIGSTY, Playbook.pgsqlUser("pg-test", "test"), ex)).hasNoFailures();
        try (Connection conn = connect("10.213.0.11", 5432, "test", "Test.Pass.1", "test")) {
            assertThat(one(conn, "select rolconnlimit from pg_roles where rolname = 'test'")).isEqualTo("-1");
        }
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
    void vendorSwitchover_movesThePrimary_andShowsBeforeAfter(SharedSandbox shared) throws Exception {
        var ops = shared.ops("pg-test");
        // pg_rpo 0: only the synchronous standby may take over; wait until Patroni names one
        String[] target = new String[1];
        SharedSandbox.await("Patroni names a synchronous standby of pg-test", Duration.ofSeconds(90), () -> {
            target[0] = ops.status().syncStandbys().stream().filter(MemberStatus::isHealthy).map(MemberStatus::name)
                    .findFirst().orElse(null);
            return target[0] != null;
        });
        String targetIp = ops.status().member(target[0]).orElseThrow().host();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int rc;
        // new clients through the primary service of a member that stays a replica, during and after the switchover
        String via = List.of("10.213.0.11", "10.213.0.12", "10.213.0.13").stream()
                .filter(h -> !h.equals(targetIp) && !h.equals(shared.primaryIp("pg-test"))).findFirst().orElseThrow();
        ConnectProbe probe = new ConnectProbe(via, 5433, "test", 100);
        try {
            rc = VendorSwitchover.run(SharedSandbox.ops(INV, "pg-test"), java.util.Optional.of(target[0]),
                    new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
            System.out.print(out);
            assertThat(rc).as(out).isZero();
            assertThat(out).contains("before:").contains("after (");
            try (Connection c = connect(targetIp, 5432, "dbuser_dba", "DBUser.DBA", "postgres")) {
                assertThat(one(c, "select pg_is_in_recovery()")).as(target[0] + " is the primary now").isEqualTo("f");
            }
            // HAProxy follows Patroni's /primary within its rise checks: a new client reaches the new primary
            SharedSandbox.await("a new client through " + via + ":5433 reaches the new primary", Duration.ofSeconds(30), () -> {
                // PgBouncer reaches PostgreSQL over its socket (no server address to compare): the one
                // member out of recovery is the new primary
                try (Connection c = connect(via, 5433, "dbuser_dba", "DBUser.DBA", "test")) {
                    return one(c, "select pg_is_in_recovery()").equals("f");
                }
            });
            SharedSandbox.sleep(5000);
        } finally {
            probe.close();
            System.out.println("SWITCHOVER CLIENTS " + probe.summary(t0));
            for (ConnectProbe.Attempt a : probe.attempts()) {
                if (!a.primary() || a.millis() > 1000) {
                    System.out.printf("  client at %+d ms: %d ms, %s%n", (a.startNanos() - t0) / 1_000_000, a.millis(), a.outcome());
                }
            }
        }
        assertThat(probe.attempts()).as("clients through %s:5433 during the switchover", via).hasSizeGreaterThan(20);
        assertThat(probe.attempts()).as("every new client gets a working connection or a quick error, never a hang: "
                + probe.summary(t0)).allMatch(a -> a.millis() < NO_HANG_MS);
    }
}
