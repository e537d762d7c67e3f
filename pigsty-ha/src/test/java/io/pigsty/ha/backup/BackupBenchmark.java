package io.pigsty.ha.backup;

import io.pigsty.ha.backup.internal.BackupFiles;
import io.pigsty.model.PitrTarget;

/**
 * Measures a full backup and a restore of a 1 GiB database with the rendered configuration on a
 * local PostgreSQL 15 (zst compression, process-max as rendered for 2 CPUs). Prints figures; not a
 * timed test. Run: {@code mvn -pl pigsty-ha -am test-compile} then
 * {@code java -cp ... io.pigsty.ha.backup.BackupBenchmark [MiB]} as root.
 */
public final class BackupBenchmark {
    private BackupBenchmark() {
    }

    /**
     * @param args optional size in MiB (default 1024)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        try (LocalBackrest pg = LocalBackrest.start()) {
            String stanza = LocalBackrest.STANZA;
            pg.pg(Backup.BIN + " --stanza=" + stanza + " --no-online stanza-create >/dev/null");
            // rows of 960 characters (30 md5s): a 1,020-byte tuple with its line pointer, so 8 to an 8 KiB page and
            // the table is mib MiB on disk (1,100 bytes a row, as before, gave 961 MB for 1 GiB)
            long rows = mib * 1024L * 1024L / 1024L;
            long t0 = System.nanoTime();
            // 30 different md5s a row, not one repeated: zst would shrink a repeated one 30 times and the figure would
            // measure little more than reading the files (hex text still compresses about 2:1, as real data does)
            pg.sql("create table big as select g as id, (select string_agg(md5(g::text || '.' || i), '') from generate_series(1, 30) i)"
                    + " as pad from generate_series(1," + rows + ") g");
            pg.sql("checkpoint");
            double load = (System.nanoTime() - t0) / 1e9;
            String size = pg.sql("select pg_size_pretty(pg_database_size('postgres')) || ' (' || pg_database_size('postgres') || ' bytes)'");
            long b0 = System.nanoTime();
            pg.pg(Backup.BIN + " --stanza=" + stanza + " --type=full backup");
            double backup = (System.nanoTime() - b0) / 1e9;
            BackupInfo info = BackupInfo.parse(pg.pg(Backup.BIN + " --stanza=" + stanza + " --output=json info").stdout(), stanza);
            BackupInfo.BackupSet full = info.latestFull().orElseThrow();
            pg.stopPg();
            pg.root("find " + pg.data + " -mindepth 1 -delete");
            long r0 = System.nanoTime();
            pg.pg(Backup.BIN + " --stanza=" + stanza + " --pg1-path=" + pg.data + " "
                    + String.join(" ", BackupFiles.restoreArgs(PitrTarget.immediate())) + " restore");
            double restore = (System.nanoTime() - r0) / 1e9;
            long s0 = System.nanoTime();
            pg.startPg();
            while (!"f".equals(pg.run(pg.psql() + "'select pg_is_in_recovery()'").stdout().strip())) {
                Thread.sleep(100);
            }
            double recover = (System.nanoTime() - s0) / 1e9;
            String count = pg.sql("select count(*) from big");
            System.out.printf("database %s (%d rows, loaded in %.1f s); host: %d cpus, load %s%n", size, rows, load,
                    Runtime.getRuntime().availableProcessors(), java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
            System.out.printf("full backup: %.1f s (db %d MiB, repo %d MiB, zst)%n", backup, full.size() >> 20, full.repoSize() >> 20);
            System.out.printf("restore (empty data dir): %.1f s; recovery to consistency + promote: %.1f s; rows back: %s%n",
                    restore, recover, count);
        }
    }
}
