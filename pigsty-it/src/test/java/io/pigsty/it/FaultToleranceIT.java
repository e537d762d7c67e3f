package io.pigsty.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.api.plan.Plan;
import io.pigsty.ha.ops.ClusterOperations;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.ha.ops.DcsChange;
import io.pigsty.ha.ops.EtcdClient;
import io.pigsty.ha.ops.MemberStatus;
import io.pigsty.ha.ops.OperationRefusedException;
import io.pigsty.ha.ops.OperationResult;
import io.pigsty.ha.ops.ScalePlans;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgTuning;
import io.pigsty.model.RtoMode;
import io.pigsty.sandbox.Sandbox;
import io.pigsty.sandbox.SandboxNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Pigsty's HA promise on real faults: pg-test (3 members, Patroni, etcd with 3 members, HAProxy,
 * PgBouncer, VIP) on the sandbox, a writer committing numbered rows through 5433 and a reader on
 * 5434 during every fault. Each fault is injected, the cluster heals, and the test checks that no
 * acknowledged commit is lost in synchronous mode, that never two members answer {@code /primary}
 * at once, and that every member rejoins. Write unavailability per fault is recorded in a report
 * (printed and written to {@code target/ha-report.md}), not bounded by a timed assertion.
 *
 * <p>Runs last on the shared deployment ({@link ItOrder#FAULTS}). Before each test the cluster is
 * brought back to a healthy baseline (every member up, replicas streaming, a synchronous standby
 * while {@code pg_rpo} is 0), restarting, healing or re-initialising members if a failed test left
 * them broken, so one failure does not fail every later test; if that is impossible the test says
 * so with the cluster's status. {@code -Dpigsty.ha.repeat=3} repeats each fault for medians.
 */
@UsesSharedSandbox
@Order(ItOrder.FAULTS)
class FaultToleranceIT {
    static final Inventory INV = SharedSandbox.loadInventory();
    static final Pigsty PIGSTY = SharedSandbox.pigstyFor(INV);
    static final List<String> HOSTS = List.of("10.213.0.11", "10.213.0.12", "10.213.0.13");
    static final int REPEAT = Integer.getInteger("pigsty.ha.repeat", 1);
    static final List<Row> REPORT = new CopyOnWriteArrayList<>();
    static final ClusterOperations OPS = SharedSandbox.ops(INV, "pg-test");
    static long nextId = 1;
    /** Whether the cluster runs in synchronous mode now ({@code pg_rpo: 0}); the async tests turn it off. */
    static volatile boolean syncExpected = true;

    /** One measured fault. */
    record Row(String fault, String mode, long rtoMs, long readGapMs, int acked, int lost, String leaderAfter, String note) {
    }

    /** What a fault does, and how the test undoes it. */
    interface Fault {
        void inject(Ctx c) throws Exception;

        default void restore(Ctx c) throws Exception {
        }
    }

    /** The state a fault acts on. */
    record Ctx(Sandbox sandbox, Executor ex, SandboxNode leader, SandboxNode replica, SplitBrainWatch watch,
               WriteProbe probe, List<String> notes) {
    }

    /** kill -9 of Patroni and PostgreSQL on the primary; systemd brings Patroni back. */
    static final Fault KILL9_LEADER = c -> {
        assertThat(c.leader().killProcess("patroni", "KILL")).isTrue();
        assertThat(c.leader().killProcess("postgres", "KILL")).isTrue();
    };

    /** The primary's whole node dies at once; restored by booting it again. */
    static final Fault CRASH_LEADER = new Fault() {
        @Override
        public void inject(Ctx c) {
            c.leader().crash();
        }

        @Override
        public void restore(Ctx c) {
            c.leader().start();
            c.leader().awaitReady(Duration.ofSeconds(90));
        }
    };

    static ApplyResult apply(Pigsty p, Playbook pb, Executor ex) {
        return applyPlan(p.plan(pb, p.gatherFacts(ex)), ex);
    }

    static ApplyResult applyPlan(Plan plan, Executor ex) {
        ApplyResult r = plan.apply(ex, new ConsoleProgressListener(System.out));
        PlanAssert.assertThat(r).hasNoFailures();
        return r;
    }

    static SandboxNode nodeOf(Sandbox s, MemberStatus m) {
        return s.nodes().stream().filter(n -> n.ip().equals(m.host())).findFirst().orElseThrow();
    }

    static ClusterStatus awaitHealthy(Duration limit) {
        ClusterStatus[] last = new ClusterStatus[1];
        try {
            SharedSandbox.await("pg-test healthy: 3 members, a running leader answering /primary, replicas streaming",
                    limit, Duration.ofMillis(500), () -> {
                        last[0] = OPS.status();
                        ClusterStatus s = last[0];
                        // the DCS view can be up to a ttl stale after a crash: ask each member itself as well
                        return s.members().size() == 3 && s.leader().map(l -> l.state().equals("running")).orElse(false)
                                && s.replicas().stream().allMatch(m -> m.state().equals("streaming"))
                                && s.leader().map(l -> answers(l, "/primary")).orElse(false)
                                && s.replicas().stream().allMatch(m -> answers(m, "/replica?replication_state=streaming"));
                    });
            return last[0];
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlast status:\n" + (last[0] == null ? "none" : last[0].toTable()), e);
        }
    }

    static String statusOrError() {
        try {
            return OPS.status().toTable();
        } catch (RuntimeException e) {
            return "status unavailable: " + e.getMessage();
        }
    }

    /**
     * Brings pg-test back to the state every fault starts from, whatever an earlier test left:
     * healthy within 60 s; otherwise links healed, stopped nodes booted, etcd and Patroni started
     * (120 s); otherwise members that do not stream re-initialised from the leader (180 s). With
     * {@code pg_rpo: 0} also waits for Patroni to name a synchronous standby. Fails, with the
     * status, only when all of that did not help.
     */
    static ClusterStatus baseline(SharedSandbox shared) throws Exception {
        ClusterStatus s;
        try {
            s = awaitHealthy(Duration.ofSeconds(60));
        } catch (AssertionError notYet) {
            System.out.println("BASELINE: pg-test is not healthy, restoring nodes and services: " + notYet.getMessage());
            for (SandboxNode n : shared.nodes()) {
                n.heal(); // a partition left in place
            }
            for (SandboxNode n : shared.nodes()) {
                if (!n.isRunning()) {
                    try {
                        n.awaitReady(Duration.ofSeconds(20));
                    } catch (RuntimeException down) {
                        n.crash();
                        n.start();
                        n.awaitReady(Duration.ofSeconds(90));
                    }
                }
            }
            for (String h : List.of("10.213.0.10", "10.213.0.11", "10.213.0.12")) {
                shared.executor().run(shared.node(h).host(), Command.shell("systemctl reset-failed etcd; systemctl start etcd")
                        .timeout(Duration.ofSeconds(60)).build());
            }
            for (String h : HOSTS) {
                shared.executor().run(shared.node(h).host(), Command.shell("systemctl reset-failed patroni; systemctl start patroni")
                        .timeout(Duration.ofSeconds(60)).build());
            }
            try {
                s = awaitHealthy(Duration.ofSeconds(120));
            } catch (AssertionError stillNot) {
                ClusterStatus now = OPS.status();
                if (now.leader().isEmpty()) {
                    throw new AssertionError("cannot bring pg-test back to a healthy baseline: no leader after restarting "
                            + "every node, etcd and Patroni\n" + now.toTable(), stillNot);
                }
                for (MemberStatus m : now.replicas()) {
                    if (!m.state().equals("streaming")) {
                        System.out.println("BASELINE: re-initialising " + m.name() + " (" + m.state() + ")");
                        OPS.reinit(m.name());
                    }
                }
                try {
                    s = awaitHealthy(Duration.ofSeconds(180));
                } catch (AssertionError e) {
                    throw new AssertionError("cannot bring pg-test back to a healthy baseline, even after re-initialising "
                            + "the replicas that did not stream: " + e.getMessage(), e);
                }
            }
        }
        if (syncExpected) {
            ClusterStatus[] named = {s};
            SharedSandbox.await("Patroni names a synchronous standby of pg-test (pg_rpo 0)", Duration.ofSeconds(90), () -> {
                named[0] = OPS.status();
                return named[0].syncStandbys().size() == 1;
            });
            s = named[0];
        }
        WriteProbe.createTable(HOSTS);
        return s;
    }

    @BeforeEach
    void healthyBaseline(SharedSandbox shared, TestInfo test) throws Exception {
        long t0 = System.nanoTime();
        ClusterStatus s = baseline(shared);
        System.out.printf("BASELINE for %s in %.1f s:%n%s", test.getDisplayName(), (System.nanoTime() - t0) / 1e9, s.toTable());
    }

    // pg-test serves its REST API over HTTPS (patroni_ssl_enabled): the probes trust the sandbox's CA
    static final String REST_SCHEME = INV.resolve(INV.requireCluster("pg-test")).get(io.pigsty.model.Params.PATRONI_SSL_ENABLED)
            ? "https://" : "http://";
    static final io.pigsty.ha.ops.PatroniClient PATRONI = io.pigsty.ha.ops.PatroniClient.builder()
            .caCertificates(SharedSandbox.pki().caCertificatePem())
            .timeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(1)).build();

    static boolean answers(MemberStatus m, String path) {
        return PATRONI.probe(REST_SCHEME + m.host() + ":8008", path).map(c -> c == 200).orElse(false);
    }

    /** Runs one fault under load and records it. */
    static Row cycle(Sandbox sandbox, Executor ex, String fault, String mode, boolean syncMode, Fault f) throws Exception {
        ClusterStatus before = awaitHealthy(Duration.ofSeconds(60));
        MemberStatus leader = before.leader().orElseThrow();
        MemberStatus replica = before.syncStandbys().stream().findFirst().orElse(before.replicas().get(0));
        List<SandboxNode> members = HOSTS.stream().map(h -> sandbox.nodes().stream().filter(n -> n.ip().equals(h))
                .findFirst().orElseThrow()).toList();
        List<String> notes = new ArrayList<>();
        WriteProbe probe = new WriteProbe(HOSTS, nextId);
        SplitBrainWatch watch = new SplitBrainWatch(members, REST_SCHEME);
        Row row;
        Ctx ctx = null;
        boolean restored = false;
        try {
            long warm = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warm || probe.acks.isEmpty()) {
                WriteProbe.pause(100);
                assertThat(System.nanoTime() - warm).as("writes flow before the fault").isLessThan(30_000_000_000L);
            }
            ctx = new Ctx(sandbox, ex, nodeOf(sandbox, leader), nodeOf(sandbox, replica), watch, probe, notes);
            long t0 = System.nanoTime();
            f.inject(ctx);
            // writes are back when a running leader exists and a commit was acknowledged after it was seen
            long deadline = System.nanoTime() + 150_000_000_000L;
            while (true) {
                Optional<MemberStatus> l = Optional.empty();
                try {
                    l = OPS.status().leader().filter(m -> m.state().equals("running"));
                } catch (RuntimeException e) {
                    // no member answers for a moment
                }
                if (l.isPresent()) {
                    long seen = System.nanoTime();
                    while (probe.lastAckNanos() < seen && System.nanoTime() < deadline) {
                        WriteProbe.pause(50);
                    }
                    if (probe.lastAckNanos() >= seen) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    String st = statusOrError();
                    throw new AssertionError(fault + ": writes did not resume within 150 s (" + probe.writeErrors.get()
                            + " write errors); status:\n" + st);
                }
                WriteProbe.pause(200);
            }
            WriteProbe.pause(1000);
            long tEnd = System.nanoTime();
            long rto = probe.longestWriteGapMs(t0 - 1_000_000_000L, tEnd);
            long readGap = probe.longestReadGapMs(t0 - 1_000_000_000L, tEnd);
            restored = true;
            f.restore(ctx);
            ClusterStatus after = awaitHealthy(Duration.ofSeconds(240));
            WriteProbe.pause(1000);
            probe.close();
            watch.close();
            List<Long> lost = probe.lost();
            row = new Row(fault, mode, rto, readGap, probe.acks.size(), lost.size(), after.leader().orElseThrow().name(),
                    String.join("; ", notes));
            REPORT.add(row);
            System.out.println("FAULT " + row);
            assertThat(watch.doublePrimaries).as(fault + ": never two members answer /primary at once").isEmpty();
            assertThat(watch.rounds).as("the split-brain watch ran").isGreaterThan(3);
            if (syncMode) {
                assertThat(lost).as(fault + ": acknowledged commits lost in synchronous mode").isEmpty();
            } else {
                // every lost commit is WAL the promoted replica had not received: at most pg_rpo bytes of it
                assertThat((long) lost.size() * 100).as(fault + ": loss bounded by pg_rpo").isLessThanOrEqualTo(1048576L);
            }
            assertThat(probe.acks.size()).isGreaterThan(10);
        } finally {
            if (ctx != null && !restored) {
                // a failed check must not leave the fault in place for the next test
                try {
                    f.restore(ctx);
                    awaitHealthy(Duration.ofSeconds(240));
                } catch (Exception | AssertionError e) {
                    System.out.println("FAULT restore after failure of '" + fault + "' failed: " + e);
                }
            }
            probe.close();
            watch.close();
            nextId = probe.nextId() + 1000;
        }
        return row;
    }

    @Test
    @Order(1)
    void baseline_syncStandby_etcdQuorum(SharedSandbox shared) throws Exception {
        // the @BeforeEach waited for Patroni to name the synchronous standby: it is there, and only one
        ClusterStatus s = OPS.status();
        assertThat(s.syncStandbys()).as("pg_rpo 0: a synchronous standby\n" + s.toTable()).hasSize(1);
        // etcd runs with RBAC (Pigsty's default): the SDK reads it as root, and pg-test's user sees its own keys only
        // etcd serves TLS with the sandbox's certificates: the SDK's client trusts that CA only
        // and demands a client certificate of it before any user logs in (client-cert-auth)
        String ca = SharedSandbox.pki().caCertificatePem();
        EtcdClient root = SharedSandbox.tls(EtcdClient.root(INV, true, Duration.ofSeconds(3)));
        assertThat(root.members()).hasSize(3);
        if (INV.resolveGlobal().get(io.pigsty.model.Params.ETCD_AUTH_ENABLED)) {
            assertThat(root.patroniLeader("/pg", "pg-test")).isPresent();
            EtcdClient pgTest = SharedSandbox.tls(EtcdClient.cluster(INV, "pg-test", true, Duration.ofSeconds(3)));
            assertThat(pgTest.patroniLeader("/pg", "pg-test")).isPresent();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pgTest.patroniLeader("/pg", "pg-meta"))
                    .hasMessageContaining("permission denied");
            // no certificate: refused in the handshake; a certificate but no user: refused by RBAC
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EtcdClient(List.of("https://10.213.0.10:2379"),
                    Duration.ofSeconds(3)).trusting(ca).get("/pg/pg-test/leader")).isInstanceOf(io.pigsty.model.PigstyException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SharedSandbox.tls(new EtcdClient(List.of("https://10.213.0.10:2379"),
                    Duration.ofSeconds(3))).get("/pg/pg-test/leader")).hasMessageMatching(
                    "(?s).*HTTP 4\\d\\d.*(user name is empty|permission denied).*");
        }
        try (Connection c = WriteProbe.connect(HOSTS, 5433, "test"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from pg_tables where tablename = 'ha_probe'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the probe table exists").isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void refusals_sayWhy() {
        ClusterStatus s = OPS.status();
        String async = s.replicas().stream().filter(m -> !m.isSyncStandby()).findFirst().orElseThrow().name();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OPS.switchover(Optional.of(async))))
                .isInstanceOf(OperationRefusedException.class)
                .hasMessageContaining(async + " is not a synchronous standby");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OPS.switchover(Optional.of("pg-test-9"))))
                .isInstanceOf(OperationRefusedException.class).hasMessageContaining("pg-test-9 is not a member");
        String leader = s.leader().orElseThrow().name();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OPS.reinit(leader)))
                .isInstanceOf(OperationRefusedException.class).hasMessageContaining("is the leader");
    }

    @Test
    @Order(3)
    void switchover(Sandbox sb, Executor ex) throws Exception {
        for (int k = 0; k < REPEAT; k++) {
            cycle(sb, ex, "switchover", "fast/sync", true, c -> {
                OperationResult r = OPS.switchover();
                c.notes().add("op " + r.elapsed().toMillis() + " ms");
                assertThat(r.after().leader().orElseThrow().name()).isNotEqualTo(r.before().leader().orElseThrow().name());
            });
        }
    }

    @Test
    @Order(4)
    void kill9_patroniAndPostgres(Sandbox sb, Executor ex) throws Exception {
        for (int k = 0; k < REPEAT; k++) {
            cycle(sb, ex, "kill -9 patroni+postgres on primary", "fast/sync", true, KILL9_LEADER);
        }
    }

    @Test
    @Order(5)
    void crashPrimaryNode(Sandbox sb, Executor ex) throws Exception {
        for (int k = 0; k < REPEAT; k++) {
            cycle(sb, ex, "primary node crash", "fast/sync", true, CRASH_LEADER);
        }
    }

    @Test
    @Order(6)
    void partitionPrimary(Sandbox sb, Executor ex) throws Exception {
        int ttl = RtoMode.FAST.plan().ttl();
        for (int k = 0; k < REPEAT; k++) {
            cycle(sb, ex, "primary partitioned", "fast/sync", true, new Fault() {
                @Override
                public void inject(Ctx c) {
                    SandboxNode old = c.leader();
                    c.watch().isolated(old, true);
                    long t0 = System.nanoTime();
                    old.partition();
                    // from inside the cut-off node: when does it stop being primary and refuse writes?
                    long demoted = -1;
                    long refused = -1;
                    int acceptedAfterCut = 0;
                    String lastWrite = "";
                    while (System.nanoTime() - t0 < (ttl + 20) * 1_000_000_000L && refused < 0) {
                        if (demoted < 0 && !c.watch().saysPrimary(old)) {
                            demoted = (System.nanoTime() - t0) / 1_000_000;
                        }
                        var w = old.runInNetwork("PGPASSWORD=" + WriteProbe.PASSWORD + " timeout 2 /usr/lib/postgresql/15/bin/psql"
                                + " -X -w -q 'host=" + old.ip() + " port=5432 user=" + WriteProbe.USER + " dbname=test"
                                + " connect_timeout=1' -c 'insert into ha_probe(id) values (-" + nextId + ")' 2>&1",
                                Duration.ofSeconds(5));
                        lastWrite = w.stdout().strip();
                        if (w.ok() && !lastWrite.contains("ERROR")) {
                            acceptedAfterCut++; // the insert committed on the cut-off side
                        }
                        // Patroni demotes a primary that lost the DCS either to a read-only replica or, in
                        // failsafe's offline mode, by stopping PostgreSQL: both refuse writes
                        if (lastWrite.contains("read-only") || lastWrite.contains("recovery")
                                || lastWrite.contains("Connection refused") || lastWrite.contains("shutting down")
                                || lastWrite.contains("starting up")) {
                            refused = (System.nanoTime() - t0) / 1_000_000;
                        }
                        WriteProbe.pause(200);
                    }
                    while (demoted < 0 && System.nanoTime() - t0 < 2L * ttl * 1_000_000_000L) {
                        if (!c.watch().saysPrimary(old)) {
                            demoted = (System.nanoTime() - t0) / 1_000_000;
                        }
                        WriteProbe.pause(200);
                    }
                    c.notes().add("old primary refused writes after " + refused + " ms, left /primary after " + demoted + " ms");
                    // pg_rpo 0: the cut-off primary cannot reach its synchronous standby, so no commit is
                    // acknowledged there from the first moment; then Patroni demotes it to a read-only replica
                    assertThat(acceptedAfterCut).as("writes acknowledged by the cut-off primary").isZero();
                    assertThat(demoted).as("the cut-off primary stops answering /primary").isBetween(0L, 2L * ttl * 1000);
                    assertThat(refused).as("the cut-off primary turns read-only (last answer: " + lastWrite + ")")
                            .isBetween(0L, (ttl + 20) * 1000L);
                }

                @Override
                public void restore(Ctx c) {
                    c.leader().heal();
                    c.watch().isolated(c.leader(), false);
                }
            });
        }
        ClusterStatus s = OPS.status();
        assertThat(s.members()).allMatch(m -> m.isLeader() || m.state().equals("streaming"));
    }

    @Test
    @Order(7)
    void etcdMemberLoss(Sandbox sb, Executor ex) throws Exception {
        SandboxNode meta = sb.node(0);
        for (int k = 0; k < REPEAT; k++) {
            cycle(sb, ex, "etcd member lost", "fast/sync", true, new Fault() {
                @Override
                public void inject(Ctx c) {
                    assertThat(c.ex().run(meta.host(), Command.of("systemctl", "kill", "-s", "KILL", "etcd")).ok()).isTrue();
                    c.ex().run(meta.host(), Command.of("systemctl", "stop", "etcd"));
                    EtcdClient etcd = SharedSandbox.tls(new EtcdClient(List.of("https://10.213.0.11:2379", "https://10.213.0.12:2379"),
                            Duration.ofSeconds(3)));
                    assertThat(etcd.healthy("https://10.213.0.10:2379")).isFalse();
                    long until = System.nanoTime() + 15_000_000_000L; // a new raft leader may need an election
                    while (!etcd.healthy("https://10.213.0.11:2379") && System.nanoTime() < until) {
                        WriteProbe.pause(200);
                    }
                    assertThat(etcd.healthy("https://10.213.0.11:2379")).as("2 of 3 members keep quorum").isTrue();
                    WriteProbe.pause(5000); // a few HA loops without that member
                }

                @Override
                public void restore(Ctx c) {
                    assertThat(c.ex().run(meta.host(), Command.of("systemctl", "start", "etcd")).ok()).isTrue();
                }
            });
        }
    }

    @Test
    @Order(8)
    void replicaLoss_readsContinue_andReturn(Sandbox sb, Executor ex) throws Exception {
        // The replica service lists the inventory's primary as a backup server (Pigsty's selector reads pg_role), so
        // after the earlier failovers a returned replica that was once the primary never gets reads while the other
        // replica serves: CI failed on exactly that (node1 returned, 90 s of connections, none landed). An operator
        // runs pgsql-svc with the live roles after a failover; so does this test, before it crashes a replica.
        apply(PIGSTY.withInventory(ScalePlans.withLiveRoles(INV, OPS.status())),
                Playbook.pgsqlSvc("pg-test"), ex);
        for (int k = 0; k < REPEAT; k++) {
            Row r = cycle(sb, ex, "replica node crash", "fast/sync", true, new Fault() {
                @Override
                public void inject(Ctx c) {
                    c.replica().crash();
                    WriteProbe.pause(8000);
                    long from = System.nanoTime() - 8_000_000_000L;
                    long gap = c.probe().longestReadGapMs(from, System.nanoTime());
                    c.notes().add("longest read gap " + gap + " ms");
                    assertThat(c.probe().reads.stream().filter(t -> t > System.nanoTime() - 3_000_000_000L).count())
                            .as("reads continue on the other replica").isPositive();
                }

                @Override
                public void restore(Ctx c) throws Exception {
                    c.replica().start();
                    c.replica().awaitReady(Duration.ofSeconds(90));
                    awaitHealthy(Duration.ofSeconds(120));
                    // HAProxy routes reads back: some new connection through 5434 lands on the returned replica
                    String started;
                    try (Connection conn = WriteProbe.connect(List.of(c.replica().ip()), 5432, "postgres");
                         Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("select pg_postmaster_start_time()::text")) {
                        rs.next();
                        started = rs.getString(1);
                    }
                    // HAProxy's rise checks and slowstart ramp the returned replica's weight up: keep opening
                    // new connections (one every 200 ms, whatever they return) until one lands there
                    SharedSandbox.await("a new connection through 5434 reaches the returned replica " + c.replica(),
                            Duration.ofSeconds(90), Duration.ofMillis(200), () -> {
                                try (Connection conn = WriteProbe.connect(HOSTS, 5434, "test"); Statement s = conn.createStatement();
                                     ResultSet rs = s.executeQuery("select pg_postmaster_start_time()::text")) {
                                    rs.next();
                                    return rs.getString(1).equals(started);
                                }
                            });
                }
            });
            assertThat(r.readGapMs()).as("reads continue while a replica is down").isLessThan(15_000);
        }
    }

    @Test
    @Order(9)
    void asyncMode_lossBoundedByRpo(Sandbox sb, Executor ex) throws Exception {
        syncExpected = false;
        OperationResult patched = OPS.patchConfig(DcsChange.rpo(1048576, PgTuning.OLTP));
        assertThat(OPS.config().get("synchronous_mode")).as(patched.observations().toString()).isEqualTo(false);
        for (int k = 0; k < REPEAT; k++) {
            cycle(sb, ex, "kill -9 patroni+postgres on primary", "fast/async", false, KILL9_LEADER);
            cycle(sb, ex, "primary node crash", "fast/async", false, CRASH_LEADER);
        }
    }

    @Test
    @Order(10)
    void normMode_nodeLoss(Sandbox sb, Executor ex) throws Exception {
        // pg_rto changed on the live cluster: Patroni's timings through the DCS, HAProxy's by pgsql-svc
        PgCluster c = INV.requireCluster("pg-test");
        Inventory norm = INV.withCluster(new PgCluster(c.name(), c.vars().with(Params.PG_RTO, RtoMode.NORM)
                .with(Params.PG_RPO, 1048576L), c.instances()));
        OperationResult r = OPS.patchConfig(ClusterOperations.rtoRpoChange(norm, "pg-test"));
        assertThat(OPS.config().get("ttl")).as(r.observations().toString()).isEqualTo(30);
        ApplyResult svc = apply(PIGSTY.withInventory(ScalePlans.withLiveRoles(norm, OPS.status())), Playbook.pgsqlSvc("pg-test"), ex);
        assertThat(svc.changedCount()).as("HAProxy timings change on every member").isGreaterThanOrEqualTo(3);
        for (int k = 0; k < REPEAT; k++) {
            cycle(sb, ex, "primary node crash", "norm/async", false, CRASH_LEADER);
        }
    }

    @Test
    @Order(11)
    void scaleInThenOut(Executor ex) {
        ClusterStatus s = awaitHealthy(Duration.ofSeconds(60));
        Inventory live = ScalePlans.withLiveRoles(INV, s);
        Pigsty pigsty = PIGSTY.withInventory(live);
        MemberStatus gone = s.replicas().get(s.replicas().size() - 1);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ScalePlans.scaleIn(pigsty, "pg-test",
                s.leader().orElseThrow().name()))).hasMessageContaining("is the primary");
        for (Plan p : ScalePlans.scaleIn(pigsty, "pg-test", gone.name(), pigsty.gatherFacts(ex))) {
            applyPlan(p, ex);
        }
        assertThat(OPS.status().member(gone.name())).as(gone.name() + " left the cluster").isEmpty();
        for (Plan p : ScalePlans.scaleOut(pigsty, "pg-test", pigsty.gatherFacts(ex))) {
            applyPlan(p, ex);
        }
        ClusterStatus back = awaitHealthy(Duration.ofSeconds(180));
        assertThat(back.member(gone.name()).map(MemberStatus::state)).contains("streaming");
    }

    @AfterAll
    static void report() throws IOException {
        StringBuilder sb = new StringBuilder("| fault | mode | write RTO ms | longest read gap ms | acked commits | lost |"
                + " leader after | notes |\n|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Long>> byFault = new HashMap<>();
        for (Row r : REPORT) {
            sb.append("| ").append(r.fault()).append(" | ").append(r.mode()).append(" | ").append(r.rtoMs()).append(" | ")
                    .append(r.readGapMs()).append(" | ").append(r.acked()).append(" | ").append(r.lost()).append(" | ")
                    .append(r.leaderAfter()).append(" | ").append(r.note()).append(" |\n");
            byFault.computeIfAbsent(r.fault() + " (" + r.mode() + ")", x -> new ArrayList<>()).add(r.rtoMs());
        }
        sb.append("\nmedian write RTO per fault and mode:\n");
        byFault.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<Long> v = new ArrayList<>(e.getValue());
            v.sort(null);
            sb.append("- ").append(e.getKey()).append(": ").append(v.get(v.size() / 2)).append(" ms over ").append(v.size())
                    .append(" run(s) ").append(v).append('\n');
        });
        sb.append("\nacknowledged commits checked: ").append(REPORT.stream().mapToInt(Row::acked).sum()).append('\n');
        System.out.println("\n=== HA fault report ===\n" + sb);
        Path out = Path.of("target", "ha-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, sb.toString());
    }
}
