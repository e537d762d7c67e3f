package io.pigsty.ha.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.template.Templates;
import io.pigsty.ha.backup.internal.BackupFiles;
import io.pigsty.ha.backup.internal.BackupSteps;
import io.pigsty.model.BackupRepo;
import io.pigsty.model.BackupType;
import io.pigsty.model.Inventory;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The central repository for real on loopback: a member (PostgreSQL 15 on 127.0.0.1 with its
 * pgBackRest TLS server) and a repository host (127.0.0.2, its own TLS server), both with the
 * configurations the SDK renders and certificates made the way the repository host makes them
 * (CN = address, IP SAN, one CA). WAL reaches the repository over TLS, and the repository host
 * creates the stanza, checks, backs up from the member and lists the backup.
 */
class CentralRepoLocalIT {
    static final String REPO_IP = "127.0.0.2";

    @Test
    void memberArchivesToTheRepositoryHost_whichBacksUpOverTls() throws Exception {
        int memberPort = LocalBackrest.freePort();
        int repoPort = LocalBackrest.freePort();
        Path[] tls = new Path[1];
        java.util.function.Function<LocalBackrest, Inventory> inv = pg -> {
            tls[0] = pg.dir.resolve("tls");
            PgCluster c = PgCluster.named(LocalBackrest.STANZA).instance(1, "127.0.0.1", Role.PRIMARY)
                    .var(Params.PG_DATA.name(), pg.data.toString()).var(Params.PG_PORT.name(), pg.port)
                    .var(Params.PG_LOCALHOST.name(), pg.dir.toString())
                    .var(Params.PGBACKREST_LOG_DIR.name(), pg.dir.resolve("log").toString())
                    .var(Params.PGBACKREST_METHOD.name(), "central")
                    .var(Params.PGBACKREST_REPO.name(), Map.of("central", BackupRepo.named("central").option("host", "infra")
                            .option("host_type", "tls").option("path", pg.repo.toString()).option("retention_full_type", "count")
                            .option("retention_full", "2").build()))
                    .build();
            return Inventory.builder().infra(NodeGroup.builder("infra").node(REPO_IP, v -> v.set(Params.INFRA_SEQ, 1)).build())
                    .var(Params.PGBACKREST_TLS_CA.name(), tls[0].resolve("ca.crt").toString())
                    .var(Params.PGBACKREST_TLS_CERT.name(), tls[0].resolve("member.crt").toString())
                    .var(Params.PGBACKREST_TLS_KEY.name(), tls[0].resolve("member.key").toString())
                    .cluster(c).build();
        };
        // the member's rendered file; only the ports differ (both TLS servers share this host)
        try (LocalBackrest pg = LocalBackrest.start(inv, t -> t.replace("repo1-host-port=8432", "repo1-host-port=" + repoPort)
                .replace("tls-server-port=8432", "tls-server-port=" + memberPort))) {
            Path d = pg.dir;
            Path t = d.resolve("tls");
            Files.createDirectories(t);
            // certificates made by the repository host's own script (BackupSteps.issueCertificates)
            pg.root(BackupSteps.issueScript(t.toString(), t.resolve("ca.crt").toString(), java.util.List.of("127.0.0.1", REPO_IP),
                    REPO_IP, t.resolve("repo.crt").toString(), t.resolve("repo.key").toString(), "postgres")
                    + "install -m 0600 -o postgres " + t + "/issued/127.0.0.1.key " + t + "/member.key\n"
                    + "install -m 0644 -o postgres " + t + "/issued/127.0.0.1.crt " + t + "/member.crt\n"
                    + "chmod 0755 " + t + "\n");
            Inventory i = inv.apply(pg);
            String repoConf = BackupFiles.render(Templates.bundled(), "test repo", BackupFiles.repoHostSections(i, REPO_IP, 2))
                    .replace(Backup.REPO_CERT, t.resolve("repo.crt").toString()).replace(Backup.REPO_KEY, t.resolve("repo.key").toString())
                    .replace("tls-server-port=8432", "tls-server-port=" + repoPort)
                    .replace("pg1-host-port=8432", "pg1-host-port=" + memberPort)
                    .replace("log-path=" + Backup.REPO_LOG_DIR, "log-path=" + d.resolve("repo-log"))
                    .replace("lock-path=" + Backup.REPO_LOCK_DIR, "lock-path=" + d.resolve("repo-lock"));
            assertThat(repoConf).contains("pg1-host=127.0.0.1").contains("tls-server-auth=127.0.0.1=" + LocalBackrest.STANZA);
            assertThat(Files.readString(pg.conf)).contains("repo1-host=" + REPO_IP).contains("tls-server-auth=" + REPO_IP + "=");
            Path rc = d.resolve("repo.conf");
            Files.writeString(rc, repoConf, StandardCharsets.UTF_8);
            // the remote process on the repository host reads the file the member names (repo1-host-config)
            String memberConf = Files.readString(pg.conf);
            assertThat(memberConf).contains("repo1-host-config=" + Backup.REPO_CONF + "\n");
            Files.writeString(pg.conf, memberConf.replace("repo1-host-config=" + Backup.REPO_CONF, "repo1-host-config=" + rc));
            pg.root("chown postgres:postgres " + rc);
            // both TLS servers, started here and stopped by PID below
            String member = pg.pg("nohup " + Backup.BIN + " --config=" + pg.conf + " server >" + d.resolve("member-server.log")
                    + " 2>&1 & echo $!").stdout().strip();
            String repo = pg.pg("nohup " + Backup.BIN + " --config=" + rc + " server >" + d.resolve("repo-server.log")
                    + " 2>&1 & echo $!").stdout().strip();
            try {
                String onRepo = Backup.BIN + " --config=" + rc + " --stanza=" + LocalBackrest.STANZA;
                awaitPing(pg, onRepo);
                pg.pg(onRepo + " stanza-create");
                pg.pg(onRepo + " check");
                pg.pg(onRepo + " --type=full backup");
                String wal = pg.sql("select pg_walfile_name(pg_switch_wal())");
                // bounded at 180 s: a failed archive-push makes PostgreSQL's archiver sleep up to 60 s before it tries again
                long t0 = System.nanoTime();
                long end = t0 + 180_000_000_000L;
                // archived: its .done status file, or a later segment archived (the last one archived may be the full
                // backup's history file, 0...02.00000028.backup, which sorts below the segment switched to after it)
                while (pg.sql("select exists (select 1 from pg_ls_archive_statusdir() where name = '" + wal + ".done')"
                        + " or coalesce(last_archived_wal ~ '^[0-9A-F]{24}$' and last_archived_wal >= '" + wal + "', false)"
                        + " from pg_stat_archiver").equals("f")) {
                    assertThat(System.nanoTime()).as("WAL reached the repository host within 180 s; archiver: "
                            + pg.sql("select row(archived_count, last_archived_wal, failed_count, last_failed_wal) from pg_stat_archiver"))
                            .isLessThan(end);
                    Thread.sleep(200);
                }
                System.out.printf("CentralRepoLocalIT: %s archived through the repository host after %.1f s%n", wal,
                        (System.nanoTime() - t0) / 1e9);
                BackupInfo info = BackupInfo.parse(pg.pg(onRepo + " --output=json info").stdout(), LocalBackrest.STANZA);
                assertThat(info.latestFull().orElseThrow().type()).isEqualTo(BackupType.FULL);
                assertThat(info.archiveMax().orElseThrow()).isGreaterThanOrEqualTo(wal);
                // the member reads the same repository through the repository host
                BackupInfo fromMember = BackupInfo.parse(pg.pg(Backup.BIN + " --stanza=" + LocalBackrest.STANZA
                        + " --output=json info").stdout(), LocalBackrest.STANZA);
                assertThat(fromMember.backups()).hasSize(1);
                assertThat(Files.exists(pg.repo.resolve("backup/" + LocalBackrest.STANZA + "/backup.info"))).isTrue();
            } finally {
                pg.root("kill " + member + " " + repo + " 2>/dev/null; true");
            }
        }
    }

    private static void awaitPing(LocalBackrest pg, String onRepo) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!pg.run(onRepo + " --output=json info >/dev/null").ok()) {
            assertThat(System.nanoTime()).as("repository host answers within 30 s").isLessThan(end);
            Thread.sleep(300);
        }
    }
}
