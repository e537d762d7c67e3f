package io.pigsty.ha.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Step;
import io.pigsty.ha.backup.internal.BackupFiles;
import io.pigsty.ha.backup.internal.BackupSteps;
import io.pigsty.ha.backup.internal.PitrPlan;
import io.pigsty.model.BackupType;
import io.pigsty.model.PigstyException;
import io.pigsty.model.PitrTarget;
import java.nio.file.Files;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * pgBackRest for real against a local PostgreSQL 15, with the SDK's rendered pgbackrest.conf and
 * archive_command: stanza (idempotent), check, full backup, info parsed by BackupInfo, archiving
 * after pg_switch_wal() with no failure, the window guard, and a point-in-time recovery to T.
 */
class BackupLocalIT {
    private static void converge(LocalBackrest pg, Step s) {
        var ctx = pg.ctx();
        assertThat(s.check(ctx).isOk()).as(s.id() + " needs doing at first").isFalse();
        assertThat(s.apply(ctx)).isEqualTo(Outcome.CHANGED);
        assertThat(s.check(ctx).isOk()).as(s.id() + " converged: a second run changes nothing").isTrue();
    }

    /** Waits (at most 60 s) until WAL segment {@code wal} is archived. */
    private static void awaitArchived(LocalBackrest pg, String wal) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            String last = pg.sql("select coalesce(last_archived_wal, '') from pg_stat_archiver");
            if (!last.isEmpty() && last.compareTo(wal) >= 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("WAL " + wal + " not archived within 60 s: " + pg.sql("select * from pg_stat_archiver"));
    }

    @Test
    void stanzaCheckBackupInfoArchivingAndPitr_withTheRenderedConfig() throws Exception {
        try (LocalBackrest pg = LocalBackrest.start()) {
            String conf = pg.conf.toString();
            String stanza = LocalBackrest.STANZA;
            // stanza-create from the data directory, as on every member of a local repo; idempotent
            converge(pg, BackupSteps.stanza(stanza, "postgres", conf, Optional.of(pg.repo.toString()), true));
            Step check = BackupSteps.check(stanza, "postgres", conf);
            assertThat(check.check(pg.ctx()).isOk()).as("pgbackrest check passes").isTrue();
            assertThat(check.apply(pg.ctx())).isEqualTo(Outcome.OK);
            Step reset = BackupSteps.resetArchiver(stanza, "postgres", pg.inventory().resolve(pg.inventory().requireCluster(stanza),
                    pg.inventory().requireCluster(stanza).instances().get(0)));
            reset.apply(pg.ctx());
            assertThat(reset.check(pg.ctx()).isOk()).isTrue();

            converge(pg, BackupSteps.initialBackup(stanza, "postgres", conf));
            BackupInfo info = BackupInfo.parse(pg.pg(Backup.BIN + " --stanza=" + stanza + " --output=json info").stdout(), stanza);
            assertThat(info.statusCode()).isZero();
            assertThat(info.backups()).hasSize(1);
            BackupInfo.BackupSet full = info.latestFull().orElseThrow();
            assertThat(full.type()).isEqualTo(BackupType.FULL);
            assertThat(full.size()).isGreaterThan(10_000_000L); // an empty PG 15 cluster is ~ 30 MB
            assertThat(full.repoSize()).isPositive().isLessThan(full.size());
            assertThat(full.stop()).isAfterOrEqualTo(full.start());
            assertThat(full.walStart()).matches("[0-9A-F]{24}");
            assertThat(full.prior()).isEmpty();
            assertThat(info.archiveMin()).isPresent();

            // archiving advances after pg_switch_wal(), with no failure
            pg.sql("create table t(id int primary key, note text); insert into t select g, 'before' from generate_series(1,100) g");
            pg.sql("create table dropped(id int); insert into dropped values (42)");
            String wal = pg.sql("select pg_walfile_name(pg_switch_wal())");
            awaitArchived(pg, wal);
            assertThat(pg.sql("select failed_count from pg_stat_archiver")).isEqualTo("0");

            // T, taken from the database after the commits; then more rows and a dropped table
            Thread.sleep(1100);
            String t = pg.sql("select now()");
            Thread.sleep(1100);
            pg.sql("insert into t select g, 'after' from generate_series(101,200) g");
            pg.sql("drop table dropped");
            String wal2 = pg.sql("select pg_walfile_name(pg_switch_wal())");
            awaitArchived(pg, wal2);
            assertThat(pg.sql("select failed_count from pg_stat_archiver")).isEqualTo("0");
            String timelineBefore = pg.sql("select timeline_id from pg_control_checkpoint()");

            // the window guard: T is inside, a moment before the first backup is refused naming the window
            PitrTarget target = PitrTarget.time(PitrTarget.parseTime(t));
            Step inside = PitrPlan.windowGuard(stanza, target, "postgres", pg.psql(), Optional.of(pg.repo + "/archive/" + stanza));
            assertThat(inside.check(pg.ctx()).isOk()).as("T lies in the window").isTrue();
            Step before = PitrPlan.windowGuard(stanza, PitrTarget.time(OffsetDateTime.parse("2001-01-01T00:00:00Z")), "postgres",
                    pg.psql(), Optional.empty());
            assertThatThrownBy(() -> before.apply(pg.ctx())).isInstanceOf(PigstyException.class)
                    .hasMessageContaining("outside the recoverable window " + full.stop()).hasMessageContaining("nothing was stopped");
            BackupInfo after = BackupInfo.parse(pg.pg(Backup.BIN + " --stanza=" + stanza + " --output=json info").stdout(), stanza);
            assertThat(after.window(Optional.empty()).orElseThrow().from()).isEqualTo(full.stop());
            assertThat(after.window(Optional.of(Instant.now())).orElseThrow().contains(target.moment().orElseThrow().toInstant())).isTrue();

            // PITR to T: the plan's restore arguments, then recovery and promotion on a new timeline
            pg.stopPg();
            pg.pg(Backup.BIN + " --stanza=" + stanza + " --pg1-path=" + pg.data + " --delta "
                    + String.join(" ", BackupFiles.restoreArgs(target).stream().map(io.pigsty.api.quote.ShellQuote::quote).toList())
                    + " restore");
            pg.startPg();
            long end = System.nanoTime() + 120_000_000_000L;
            while (!"f".equals(pg.run(pg.psql() + "'select pg_is_in_recovery()'").stdout().strip())) {
                assertThat(System.nanoTime()).as("promoted within 120 s\n" + pg.log()).isLessThan(end);
                Thread.sleep(200);
            }
            assertThat(pg.sql("select count(*) from t")).as("exactly the rows committed before T").isEqualTo("100");
            assertThat(pg.sql("select count(*) from t where note = 'after'")).isEqualTo("0");
            assertThat(pg.sql("select id from dropped")).as("the table dropped after T is back").isEqualTo("42");
            pg.sql("checkpoint");
            assertThat(Integer.parseInt(pg.sql("select timeline_id from pg_control_checkpoint()")))
                    .as("promoted on a new timeline").isGreaterThan(Integer.parseInt(timelineBefore));
            // the restore's recovery settings leave postgresql.auto.conf, so base backups of replicas do not carry them
            assertThat(Files.readString(pg.data.resolve("postgresql.auto.conf"))).contains("recovery_target_time");
            pg.pg(pg.psql() + PitrPlan.resetRecoveryArgs());
            assertThat(Files.readString(pg.data.resolve("postgresql.auto.conf"))).doesNotContain("recovery_target").doesNotContain("restore_command");
            // the new timeline archives into the same stanza
            String wal3 = pg.sql("select pg_walfile_name(pg_switch_wal())");
            awaitArchived(pg, wal3);
            assertThat(check.check(pg.ctx()).isOk()).as("pgbackrest check after the PITR").isTrue();
        }
    }
}
