package io.pigsty.ha.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.dryrun.PlanAssert;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.ha.backup.Backup;
import io.pigsty.ha.backup.BackupInfo;
import io.pigsty.ha.ops.ClusterOperations;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.model.BackupType;
import io.pigsty.model.Inventory;
import io.pigsty.model.PitrTarget;
import io.pigsty.sandbox.PigstySandbox;
import io.pigsty.sandbox.Sandbox;
import io.pigsty.sandbox.SandboxNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * BACKUP on the sandbox (issue 14), to be moved into pigsty-it (not run here: needs the sandbox).
 * pg-test keeps its repository centrally on the meta node (10.213.0.10, pgBackRest TLS server);
 * pg-clone on the spare node 10.213.0.14 is bootstrapped from pg-test's backup.
 * Expects the shared fixture to have run {@code node}, {@code etcd} and {@code pgsql pg-test}.
 */
@PigstySandbox(nodes = 5)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupSandboxPending {
    static final Inventory INV = load();
    static final Pigsty PIGSTY = Pigsty.builder().inventory(INV).build();
    static final Host META = new Host("10.213.0.10", "infra@10.213.0.10");
    static final String REPO = Backup.BIN + " --config=" + Backup.REPO_CONF + " --stanza=pg-test";

    static Inventory load() {
        try (var in = Inventory.class.getResourceAsStream("/io/pigsty/model/samples/sandbox.yml")) {
            String y = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("        pg_cluster: pg-test\n", "        pg_cluster: pg-test\n        pgbackrest_method: central\n"
                            + "        pg_crontab: ['00 01 * * * /pg/bin/pg-backup full']\n")
                    .replace("\n  vars:\n", "\n    pg-clone:\n      hosts:\n        10.213.0.14: { pg_seq: 1, pg_role: primary }\n"
                            + "      vars:\n        pg_cluster: pg-clone\n        pgbackrest_method: central\n"
                            + "        pg_clone_from: pg-test\n  vars:\n");
            return Inventory.parse(y, "backup-sandbox.yml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ApplyResult apply(Playbook pb, Executor ex) {
        ApplyResult r = PIGSTY.plan(pb).apply(ex, new ConsoleProgressListener(System.out));
        PlanAssert.assertThat(r).hasNoFailures();
        return r;
    }

    static String sql(Executor ex, String ip, String sql) {
        ExecResult r = ex.run(new Host(ip, ip), Command.shell("psql -X -A -t -h /var/run/postgresql -d postgres -c "
                + ShellQuote.quote(sql)).user("postgres").build());
        assertThat(r.ok()).as(sql + " on " + ip + ": " + r.stderr()).isTrue();
        return r.stdout().strip();
    }

    static String viaPrimaryService(Executor ex, String sql) {
        // through HAProxy's primary service on 5433 (PgBouncer behind it), as an application would
        ExecResult r = ex.run(META, Command.shell("PGPASSWORD=Test.Pass.1 psql -X -A -t -h 10.213.0.3 -p 5433 -U test -d test -c "
                + ShellQuote.quote(sql)).build());
        assertThat(r.ok()).as(sql + " via 5433: " + r.stderr()).isTrue();
        return r.stdout().strip();
    }

    static BackupInfo info(Executor ex) {
        ExecResult r = ex.run(META, Command.shell(REPO + " --output=json info").user(Backup.REPO_USER).build());
        assertThat(r.ok()).as(r.stderr()).isTrue();
        return BackupInfo.parse(r.stdout(), "pg-test");
    }

    static String primaryIp(Executor ex) {
        ClusterStatus s = ClusterOperations.builder(INV, "pg-test").timeout(Duration.ofSeconds(120)).build().status();
        return s.members().stream().filter(m -> m.isLeader()).findFirst().orElseThrow().host();
    }

    static void awaitArchived(Executor ex, String ip, String wal) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            if (sql(ex, ip, "select coalesce(last_archived_wal, '') >= '" + wal + "' from pg_stat_archiver").equals("t")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("WAL " + wal + " not archived from " + ip + " within 120 s");
    }

    @Test
    @Order(1)
    void afterPgsql_stanzaCheckFullBackupAndArchiving(Sandbox sb, Executor ex) throws Exception {
        apply(Playbook.pgsqlCreate("pg-test"), ex);
        BackupInfo info = info(ex);
        assertThat(info.statusCode()).isZero();
        assertThat(info.latestFull()).as("the first full backup").isPresent();
        assertThat(ex.run(META, Command.shell(REPO + " check").user(Backup.REPO_USER).build()).ok()).isTrue();
        String p = primaryIp(ex);
        String wal = sql(ex, p, "select pg_walfile_name(pg_switch_wal())");
        awaitArchived(ex, p, wal);
        assertThat(sql(ex, p, "select failed_count from pg_stat_archiver")).isEqualTo("0");
        // the second run converges
        assertThat(PIGSTY.plan(Playbook.pgsqlCreate("pg-test")).apply(ex, new ConsoleProgressListener(System.out))
                .steps().stream().filter(s -> s.stepId().startsWith("backup:") && s.status().name().equals("CHANGED")).toList())
                .isEmpty();
    }

    @Test
    @Order(2)
    void pitr_toT_restoresExactlyTheRowsBeforeT_andTheClusterHeals(Sandbox sb, Executor ex) throws Exception {
        viaPrimaryService(ex, "create table pitr_rows(id int primary key); insert into pitr_rows select generate_series(1,100)");
        viaPrimaryService(ex, "create table pitr_dropped(v int); insert into pitr_dropped values (7)");
        Thread.sleep(1500);
        String t = viaPrimaryService(ex, "select now()");
        Thread.sleep(1500);
        viaPrimaryService(ex, "insert into pitr_rows select generate_series(101,200); drop table pitr_dropped");
        String p = primaryIp(ex);
        awaitArchived(ex, p, sql(ex, p, "select pg_walfile_name(pg_switch_wal())"));
        String tlBefore = sql(ex, p, "select timeline_id from pg_control_checkpoint()");
        long t0 = System.nanoTime();
        apply(Playbook.pgsqlPitr("pg-test", PitrTarget.time(PitrTarget.parseTime(t))).allowLive(), ex);
        System.out.printf("PITR wall time end to end: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(viaPrimaryService(ex, "select count(*) from pitr_rows")).isEqualTo("100");
        assertThat(viaPrimaryService(ex, "select v from pitr_dropped")).isEqualTo("7");
        ClusterStatus s = ClusterOperations.builder(INV, "pg-test").timeout(Duration.ofSeconds(120)).build().status();
        assertThat(s.members()).hasSize(3);
        assertThat(s.members().stream().filter(m -> m.isLeader()).count()).isEqualTo(1);
        assertThat(s.members()).allMatch(m -> m.isLeader() || m.state().equals("streaming"));
        assertThat(Integer.parseInt(sql(ex, primaryIp(ex), "select timeline_id from pg_control_checkpoint()")))
                .isGreaterThan(Integer.parseInt(tlBefore));
        viaPrimaryService(ex, "insert into pitr_rows values (1000)");
    }

    @Test
    @Order(3)
    void centralRepo_keepsFlowingAfterFailover_noWalGap(Sandbox sb, Executor ex) throws Exception {
        String old = primaryIp(ex);
        SandboxNode node = sb.nodes().stream().filter(n -> n.ip().equals(old)).findFirst().orElseThrow();
        node.crash();
        long end = System.nanoTime() + 120_000_000_000L;
        String now = old;
        while (now.equals(old) && System.nanoTime() < end) {
            Thread.sleep(1000);
            try {
                now = primaryIp(ex);
            } catch (RuntimeException e) {
                // no leader yet
            }
        }
        assertThat(now).as("Patroni failed over").isNotEqualTo(old);
        viaPrimaryService(ex, "insert into pitr_rows values (2000)");
        apply(Playbook.pgsqlBackup("pg-test", BackupType.INCR), ex);
        BackupInfo info = info(ex);
        assertThat(info.latest().orElseThrow().type()).isEqualTo(BackupType.INCR);
        assertThat(ex.run(META, Command.shell(REPO + " check").user(Backup.REPO_USER).build()).ok()).isTrue();
        ExecResult verify = ex.run(META, Command.shell(REPO + " verify").user(Backup.REPO_USER).timeout(Duration.ofMinutes(10)).build());
        assertThat(verify.ok()).as("pgbackrest verify: no WAL gap\n" + verify.stdout() + verify.stderr()).isTrue();
        node.start();
        node.awaitReady(Duration.ofSeconds(90));
    }

    @Test
    @Order(4)
    void clone_fromPgTestsBackup_onTheSpareNode_answersWithPgTestsData(Sandbox sb, Executor ex) throws Exception {
        apply(Playbook.node("pg-clone"), ex);
        apply(Playbook.pgsqlCreate("pg-test"), ex); // the repository host authorises the clone's certificate
        apply(Playbook.pgsqlCreate("pg-clone"), ex);
        assertThat(sql(ex, "10.213.0.14", "select count(*) from pitr_rows where id in (1000, 2000)")).isEqualTo("2");
        assertThat(sql(ex, "10.213.0.14", "select pg_is_in_recovery()")).isEqualTo("f");
    }

    @Test
    @Order(5)
    void figures_fullBackupAndRestoreOfOneGiB(Sandbox sb, Executor ex) throws Exception {
        viaPrimaryService(ex, "create table big as select g as id, md5(random()::text) || repeat(md5(g::text), 29) as pad"
                + " from generate_series(1, 976128) g");
        long b0 = System.nanoTime();
        apply(Playbook.pgsqlBackup("pg-test", BackupType.FULL), ex);
        double backup = (System.nanoTime() - b0) / 1e9;
        long r0 = System.nanoTime();
        apply(Playbook.pgsqlPitr("pg-test", PitrTarget.latest()).allowLive(), ex);
        double restore = (System.nanoTime() - r0) / 1e9;
        System.out.printf("sandbox: full backup of ~1 GiB %.1f s; PITR to latest (restore + replicas) %.1f s; size %s%n", backup,
                restore, info(ex).latestFull().map(b -> (b.size() >> 20) + " MiB").orElse("?"));
        assertThat(viaPrimaryService(ex, "select count(*) from big")).isEqualTo("976128");
    }
}
