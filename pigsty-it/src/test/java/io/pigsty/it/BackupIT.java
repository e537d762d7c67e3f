package io.pigsty.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.ha.backup.Backup;
import io.pigsty.ha.backup.BackupInfo;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.ha.ops.MemberStatus;
import io.pigsty.model.BackupType;
import io.pigsty.model.Inventory;
import io.pigsty.model.PitrTarget;
import io.pigsty.sandbox.SandboxNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backup and point-in-time recovery on the shared sandbox (issue 14). pg-meta keeps Pigsty's
 * {@code local} repository on its own node; pg-test keeps its repository centrally on the infra node
 * (10.213.0.10, pgBackRest's TLS server), so backups and WAL outlive any PG node. A clone cluster,
 * pg-clone, is bootstrapped on the spare node 10.213.0.14 from pg-test's backup.
 *
 * <p>Changes the deployment (PITR gives pg-test a new timeline; a node crash moves the leader) and
 * leaves pg-test healthy with three members; runs after the read-only classes, before the fault tests.
 */
@UsesSharedSandbox
@Order(ItOrder.CHANGES + 50)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupIT {
    static final String CLONE_IP = "10.213.0.14";
    static final Host META = new Host("10.213.0.10", "pg-meta-1");
    static final String REPO = Backup.BIN + " --config=" + Backup.REPO_CONF + " --stanza=pg-test";
    static Inventory inventory;
    static Pigsty pigsty;

    /** The shared inventory plus pg-clone, a one-member cluster cloned from pg-test's backup. */
    @BeforeAll
    static void cloneInventory() {
        String clone = """
                    pg-clone:
                      hosts:
                        10.213.0.14: { pg_seq: 1, pg_role: primary }
                      vars:
                        pg_cluster: pg-clone
                        pgbackrest_method: central
                        pg_clone_from: pg-test
                """;
        inventory = Inventory.parse(SharedSandbox.withGroup(SharedSandbox.inventoryText(), clone), "backup-it.yml");
        pigsty = SharedSandbox.pigstyFor(inventory);
    }

    static ApplyResult apply(Executor ex, Playbook pb) {
        return SharedSandbox.applyChecked(pigsty.plan(pb), ex);
    }

    static String sql(Executor ex, String ip, String sql) {
        return sql(ex, ip, "postgres", sql);
    }

    static String sql(Executor ex, String ip, String db, String sql) {
        ExecResult r = ex.run(new Host(ip, ip), Command.shell("psql -X -A -t -h /var/run/postgresql -d " + db + " -c "
                + ShellQuote.quote(sql)).user("postgres").timeout(Duration.ofSeconds(60)).build());
        assertThat(r.ok()).as(sql + " on " + ip + ": " + r.stderr()).isTrue();
        return r.stdout().strip();
    }

    /**
     * Through HAProxy's primary service on 5433 (PgBouncer behind it), as an application would: libpq
     * tries the members in turn, so a crashed node (whose address may still answer with a refusal) is passed over.
     */
    static String viaPrimaryService(Executor ex, String sql) {
        ExecResult r = ex.run(META, Command.shell("PGPASSWORD=Test.Pass.1 PGCONNECT_TIMEOUT=5 psql -X -A -t"
                + " -h 10.213.0.11,10.213.0.12,10.213.0.13 -p 5433 -U test"
                + " -d test -v ON_ERROR_STOP=1 -c " + ShellQuote.quote(sql)).timeout(Duration.ofSeconds(120)).build());
        assertThat(r.ok()).as(sql + " via 5433: " + r.stderr()).isTrue();
        return r.stdout().strip();
    }

    static ExecResult repo(Executor ex, String command, Duration timeout) {
        return ex.run(META, Command.shell(REPO + " " + command).user(Backup.REPO_USER).timeout(timeout).build());
    }

    static BackupInfo info(Executor ex) {
        ExecResult r = repo(ex, "--output=json info", Duration.ofSeconds(60));
        assertThat(r.ok()).as(r.stderr()).isTrue();
        return BackupInfo.parse(r.stdout(), "pg-test");
    }

    static void awaitArchived(Executor ex, String ip, String wal) {
        SharedSandbox.await("WAL " + wal + " archived from " + ip, Duration.ofSeconds(120), Duration.ofMillis(500),
                () -> sql(ex, ip, archivedSql(wal)).equals("t"));
    }

    /**
     * Whether a WAL segment is archived: its {@code .done} status file, or a later segment archived. Not
     * {@code last_archived_wal >= wal} alone: the last one archived may be a backup history file
     * ({@code ...0002.00000028.backup}) or a timeline history file, which sort below the segment after it.
     */
    static String archivedSql(String wal) {
        return "select exists (select 1 from pg_ls_archive_statusdir() where name = '" + wal + ".done')"
                + " or coalesce(last_archived_wal ~ '^[0-9A-F]{24}$' and last_archived_wal >= '" + wal + "', false)"
                + " from pg_stat_archiver";
    }

    /** A leader and two streaming replicas, within {@code timeout}. */
    static ClusterStatus awaitThreeHealthy(SharedSandbox shared, Duration timeout) {
        ClusterStatus[] s = new ClusterStatus[1];
        SharedSandbox.await("pg-test has a running leader and two streaming replicas", timeout, Duration.ofSeconds(1), () -> {
            s[0] = shared.ops("pg-test").status();
            return s[0].members().size() == 3 && s[0].leader().filter(m -> m.state().equals("running")).isPresent()
                    && s[0].replicas().stream().filter(m -> m.state().equals("streaming")).count() == 2;
        });
        return s[0];
    }

    @Test
    @Order(1)
    void afterPgsql_stanzaCheckFullBackupAndArchiving(SharedSandbox shared, Executor ex) {
        BackupInfo info = info(ex);
        assertThat(info.statusCode()).as(info.statusMessage()).isZero();
        assertThat(info.latestFull()).as("the first full backup, taken by the pgsql playbook").isPresent();
        ExecResult check = repo(ex, "check", Duration.ofMinutes(2));
        assertThat(check.ok()).as("pgbackrest check: " + check.stderr() + check.stdout()).isTrue();
        String p = shared.primaryIp("pg-test");
        String wal = sql(ex, p, "select pg_walfile_name(pg_switch_wal())");
        awaitArchived(ex, p, wal);
        assertThat(sql(ex, p, "select failed_count from pg_stat_archiver")).isEqualTo("0");
        // pg-meta's local repository on its own node
        ExecResult local = ex.run(META, Command.shell(Backup.BIN + " --stanza=pg-meta --output=json info").user("postgres")
                .timeout(Duration.ofSeconds(60)).build());
        assertThat(local.ok()).as(local.stderr()).isTrue();
        assertThat(BackupInfo.parse(local.stdout(), "pg-meta").latestFull()).as("pg-meta's first full backup (local repo)").isPresent();
        // the backup cron entry of the central repository runs from the repository host, against whichever member is primary
        assertThat(ex.run(META, Command.shell("cat " + Backup.cronFile("pg-test")).timeout(Duration.ofSeconds(10)).build()).stdout())
                .contains("pg-test");
    }

    @Test
    @Order(2)
    void pitr_toT_restoresExactlyTheRowsBeforeT_andTheClusterHeals(SharedSandbox shared, Executor ex) {
        viaPrimaryService(ex, "drop table if exists pitr_rows; drop table if exists pitr_dropped;"
                + " create table pitr_rows(id int primary key); insert into pitr_rows select generate_series(1,100);"
                + " create table pitr_dropped(v int); insert into pitr_dropped values (7)");
        SharedSandbox.sleep(1500);
        String t = viaPrimaryService(ex, "select now()");
        SharedSandbox.sleep(1500);
        viaPrimaryService(ex, "insert into pitr_rows select generate_series(101,200); drop table pitr_dropped");
        String p = shared.primaryIp("pg-test");
        awaitArchived(ex, p, sql(ex, p, "select pg_walfile_name(pg_switch_wal())"));
        int tlBefore = Integer.parseInt(sql(ex, p, "select timeline_id from pg_control_checkpoint()"));
        long t0 = System.nanoTime();
        ApplyResult r = apply(ex, Playbook.pgsqlPitr("pg-test", PitrTarget.time(PitrTarget.parseTime(t))).allowLive());
        System.out.printf("PITR wall time end to end: %.1f s (%d steps)%n", (System.nanoTime() - t0) / 1e9, r.steps().size());
        awaitThreeHealthy(shared, Duration.ofSeconds(240));
        assertThat(viaPrimaryService(ex, "select count(*) from pitr_rows")).isEqualTo("100");
        assertThat(viaPrimaryService(ex, "select v from pitr_dropped")).isEqualTo("7");
        assertThat(Integer.parseInt(sql(ex, shared.primaryIp("pg-test"), "select timeline_id from pg_control_checkpoint()")))
                .isGreaterThan(tlBefore);
        viaPrimaryService(ex, "insert into pitr_rows values (1000)");
    }

    @Test
    @Order(3)
    void pitr_outsideTheWindow_isRefusedBeforeAnythingStops(SharedSandbox shared) {
        String leader = shared.ops("pg-test").status().leader().map(MemberStatus::name).orElseThrow();
        var plan = pigsty.plan(Playbook.pgsqlPitr("pg-test", PitrTarget.time(PitrTarget.parseTime("2001-01-01 00:00:00+00"))).allowLive());
        ApplyResult r = plan.apply(shared.executor(), new io.pigsty.api.plan.ConsoleProgressListener(System.out));
        assertThat(r.ok()).isFalse();
        assertThat(r.steps()).as("nothing ran beyond the window check").noneMatch(s -> s.status() == StepStatus.CHANGED);
        assertThat(r.steps()).filteredOn(s -> s.status() == StepStatus.FAILED).singleElement()
                .satisfies(s -> assertThat(s.stepId()).isEqualTo("pgsql-pitr:window"))
                .satisfies(s -> assertThat(s.error()).hasValueSatisfying(e -> assertThat(e).contains("outside the recoverable window")));
        assertThat(shared.ops("pg-test").status().leader().map(MemberStatus::name)).contains(leader);
    }

    @Test
    @Order(4)
    void centralRepo_keepsFlowingAfterFailover_noWalGap(SharedSandbox shared, Executor ex) {
        // pg_rpo 0: only the standby Patroni names synchronous may be promoted; crash the primary once there is one
        SharedSandbox.await("Patroni names a synchronous standby of pg-test", Duration.ofSeconds(90), Duration.ofSeconds(1),
                () -> !shared.ops("pg-test").status().syncStandbys().isEmpty());
        String old = shared.primaryIp("pg-test");
        SandboxNode node = shared.node(old);
        node.crash();
        try {
            SharedSandbox.await("Patroni fails over away from " + old, Duration.ofSeconds(120), Duration.ofSeconds(1),
                    () -> !shared.primaryIp("pg-test").equals(old));
            // Patroni has a new leader; HAProxy's health checks route 5433 to it within a few intervals
            SharedSandbox.await("a write through 5433 reaches the new primary", Duration.ofSeconds(60), Duration.ofSeconds(1), () -> {
                viaPrimaryService(ex, "insert into pitr_rows values (2000)");
                return true;
            });
            apply(ex, Playbook.pgsqlBackup("pg-test", BackupType.INCR));
            BackupInfo info = info(ex);
            assertThat(info.latest().orElseThrow().type()).isEqualTo(BackupType.INCR);
        } finally {
            node.start();
            node.awaitReady(Duration.ofSeconds(90));
        }
        awaitThreeHealthy(shared, Duration.ofSeconds(240));
        // once the crashed node is back: check also reaches every standby, and a crashed node's address hangs each
        // connection until pgBackRest's own timeouts
        ExecResult check = repo(ex, "check", Duration.ofMinutes(2));
        assertThat(check.ok()).as("pgbackrest check from the new primary: " + check.stderr() + check.stdout()).isTrue();
        ExecResult verify = repo(ex, "verify", Duration.ofMinutes(10));
        assertThat(verify.ok()).as("pgbackrest verify: no WAL gap\n" + verify.stdout() + verify.stderr()).isTrue();
    }

    @Test
    @Order(5)
    void clone_fromPgTestsBackup_onTheSpareNode_answersWithPgTestsData(SharedSandbox shared, Executor ex) {
        apply(ex, Playbook.node("pg-clone"));
        // the repository host authorises the clone's certificate: pg-test's pgsql plan limited to that host, as
        // `pigsty apply pgsql pg-test -l 10.213.0.10` would (the members themselves are converged already)
        SharedSandbox.applyChecked(pigsty.plan(Playbook.pgsqlCreate("pg-test")).limit(h -> h.address().equals("10.213.0.10")), ex);
        // what pg-test holds now, archived: the clone restores up to the latest WAL (read here, so that a failed
        // earlier test does not fail this one too)
        viaPrimaryService(ex, "insert into pitr_rows values (3000)");
        String rows = viaPrimaryService(ex, "select count(*) from pitr_rows");
        String p = shared.primaryIp("pg-test");
        awaitArchived(ex, p, sql(ex, p, "select pg_walfile_name(pg_switch_wal())"));
        apply(ex, Playbook.pgsqlCreate("pg-clone"));
        assertThat(sql(ex, CLONE_IP, "test", "select count(*) from pitr_rows where id = 3000")).as("pg-test's rows, up to the latest")
                .isEqualTo("1");
        assertThat(sql(ex, CLONE_IP, "select pg_is_in_recovery()")).isEqualTo("f");
        assertThat(sql(ex, CLONE_IP, "test", "select count(*) from pitr_rows")).isEqualTo(rows);
    }
}
