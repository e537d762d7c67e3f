package io.pigsty.ha.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.step.Step;
import io.pigsty.ha.EtcdModule;
import io.pigsty.ha.PatroniModule;
import io.pigsty.model.BackupType;
import io.pigsty.model.Inventory;
import io.pigsty.model.PigstyException;
import io.pigsty.model.PitrTarget;
import io.pigsty.model.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What BACKUP renders for Pigsty's keys: the member's and the repository host's pgbackrest.conf
 * (read by the real pgbackrest), Patroni's archive and restore settings, the crontab, the plans.
 */
class BackupConfigTest {
    static final String SANDBOX = sample();
    static final String PG_TEST = "        pg_cluster: pg-test\n";

    private static String sample() {
        try (var in = Inventory.class.getResourceAsStream("/io/pigsty/model/samples/sandbox.yml")) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!s.contains(PG_TEST) || !s.contains("\n  vars:\n")) {
                throw new AssertionError("the sandbox sample changed shape");
            }
            return s;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** @param extra pg-test vars, indented as cluster vars of the sample (6 spaces, re-indented here) */
    static String sandboxYaml(String extra) {
        String ind = extra.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
        return SANDBOX.replace(PG_TEST, PG_TEST + ind);
    }

    static Inventory sandbox(String extraPgTestVars) {
        return Inventory.parse(sandboxYaml(extraPgTestVars), "sandbox+backup.yml");
    }

    static Plan plan(Inventory inv, Playbook pb) {
        return Pigsty.builder().inventory(inv).serviceLoader(false).module(new EtcdModule()).module(new PatroniModule())
                .module(new BackupModule()).build().plan(pb);
    }

    static Map<String, FileSpec> files(Plan plan, String host) {
        Map<String, FileSpec> out = new LinkedHashMap<>();
        for (Phase p : plan.phases()) {
            p.steps().forEach((h, steps) -> {
                if (h.address().equals(host)) {
                    for (Step s : steps) {
                        s.render().files().forEach(f -> out.put(f.path(), f));
                    }
                }
            });
        }
        return out;
    }

    static List<String> stepIds(Plan plan, String host, String phase) {
        List<String> out = new ArrayList<>();
        for (Phase p : plan.phases()) {
            if (p.name().equals(phase)) {
                p.steps().forEach((h, steps) -> {
                    if (h.address().equals(host)) {
                        steps.forEach(s -> out.add(s.id()));
                    }
                });
            }
        }
        return out;
    }

    /** Runs the real pgbackrest on a rendered file: it warns about every option it does not know. */
    static String pgbackrestReads(String conf, String stanza) throws IOException, InterruptedException {
        Path f = Files.createTempFile("pgbackrest-", ".conf");
        try {
            Files.writeString(f, conf, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("pgbackrest", "--config=" + f, "--stanza=" + stanza, "--log-level-console=warn",
                    "--log-level-file=off", "--log-path=/tmp", "--io-timeout=1", "info")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("pgbackrest info returned within 60 s").isTrue();
            assertThat(out).as("pgbackrest read every option of\n" + conf).doesNotContain("invalid option")
                    .doesNotContain("[031]").doesNotContain("[032]");
            return out;
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void localRepo_isPigstysTemplate_andPatroniArchivesIntoTheStanza() throws Exception {
        Plan plan = plan(sandbox("      pg_crontab: ['00 01 * * * /pg/bin/pg-backup full', '00 03 * * 1-6 /pg/bin/pg-backup']\n"),
                Playbook.pgsqlCreate("pg-test"));
        Map<String, FileSpec> f = files(plan, "10.213.0.12");
        String conf = f.get(Backup.CONF).text();
        assertThat(conf).contains("[pg-test]\npg1-path=/pg/data\npg1-port=5432\npg1-socket-path=/var/run/postgresql\n")
                .contains("repo1-path=/pg/backup\nrepo1-retention-full-type=count\nrepo1-retention-full=2\n")
                .contains("archive-async=y").contains("spool-path=/pg/spool").contains("log-path=/pg/log/pgbackrest")
                .contains("[global:backup]\nprocess-max=2").contains("[global:restore]\nprocess-max=1")
                .doesNotContain("repo1-host").doesNotContain("tls-server");
        assertThat(f.get(Backup.CONF).mode()).isEqualTo("0640");
        assertThat(f.get(Backup.CONF).secret()).isFalse();
        pgbackrestReads(conf, "pg-test");

        String patroni = f.get("/etc/patroni/patroni.yml").text();
        assertThat(patroni).contains("archive_command: 'pgbackrest --stanza=pg-test archive-push %p'")
                .contains("archive_mode: 'on'")
                .contains("restore_command: 'pgbackrest --stanza=pg-test archive-get %f \"%p\"'")
                .contains("  pgbackrest:\n    command: '/usr/bin/pgbackrest --stanza=pg-test --pg1-path=/pg/data --delta restore'")
                .doesNotContain("method: pgbackrest");
        // a local repo on a replica lacks the primary's backups: basebackup only
        assertThat(patroni).contains("create_replica_methods:\n    - basebackup\n  pgbackrest:");

        String cron = f.get(Backup.cronFile("pg-test")).text();
        assertThat(cron).contains("00 01 * * * postgres /pg/bin/pg-backup full\n").contains("00 03 * * 1-6 postgres /pg/bin/pg-backup\n");
        assertThat(f.get(Backup.BACKUP_SCRIPT).text()).contains("pg_is_in_recovery()").contains("--stanza=pg-test");

        // every member has a stanza of its own posix repo; only the primary checks and takes the first backup
        assertThat(stepIds(plan, "10.213.0.11", BackupModule.PHASE))
                .containsExactly("backup:stanza", "backup:check", "backup:archiver-reset", "backup:initial");
        assertThat(stepIds(plan, "10.213.0.12", BackupModule.PHASE)).containsExactly("backup:stanza");
        assertThat(plan.render().toText()).contains("--no-online stanza-create").contains("stanza-upgrade");
    }

    @Test
    void pgbackrestDisabled_rendersNoArchiving() {
        Plan plan = plan(sandbox("      pgbackrest_enabled: false\n"), Playbook.pgsqlCreate("pg-test"));
        Map<String, FileSpec> f = files(plan, "10.213.0.11");
        assertThat(f).doesNotContainKey(Backup.CONF);
        assertThat(f.get("/etc/patroni/patroni.yml").text()).doesNotContain("archive_command").doesNotContain("restore_command");
        assertThatThrownBy(() -> plan(sandbox("      pgbackrest_enabled: false\n"), Playbook.pgsqlBackup("pg-test", BackupType.FULL)))
                .isInstanceOf(PigstyException.class).hasMessageContaining("pgbackrest_enabled is false for pg-test");
    }

    @Test
    void minio_isRenderedFromPigstysKeys_withCredentialsOnlyInTheOwnerOnlyFile() throws Exception {
        Plan plan = plan(sandbox("      pgbackrest_method: minio\n"), Playbook.pgsqlCreate("pg-test"));
        FileSpec conf = files(plan, "10.213.0.11").get(Backup.CONF);
        assertThat(conf.text()).contains("repo1-type=s3\n").contains("repo1-s3-endpoint=sss.pigsty\n")
                .contains("repo1-s3-bucket=pgsql\n").contains("repo1-s3-uri-style=path\n").contains("repo1-storage-port=9000\n")
                .contains("repo1-cipher-type=aes-256-cbc\n").contains("repo1-cipher-pass=pgBackRest\n")
                .contains("repo1-s3-key=pgbackrest\n").contains("repo1-s3-key-secret=S3User.Backup\n")
                .contains("repo1-retention-full-type=time\nrepo1-retention-full=14\n").contains("repo1-bundle=y");
        assertThat(conf.secret()).isTrue();
        assertThat(conf.mode()).isEqualTo("0600");
        assertThat(plan.render().toText()).doesNotContain("S3User.Backup");
        pgbackrestReads(conf.text(), "pg-test");
        // a shared repository holds every backup: a new replica may restore from it
        assertThat(files(plan, "10.213.0.12").get("/etc/patroni/patroni.yml").text())
                .contains("create_replica_methods:\n    - basebackup\n    - pgbackrest\n");
        // one stanza in the shared repository, created from the primary
        assertThat(stepIds(plan, "10.213.0.12", BackupModule.PHASE)).containsExactly("backup:stanza");
    }

    @Test
    void centralRepo_onTheInfraNode_overTls_eachMemberAuthorisedForItsStanza() throws Exception {
        Plan plan = plan(sandbox("      pgbackrest_method: central\n      pg_crontab: ['00 01 * * * /pg/bin/pg-backup full']\n"),
                Playbook.pgsqlCreate("pg-test"));
        String member = files(plan, "10.213.0.12").get(Backup.CONF).text();
        assertThat(member).contains("repo1-host=10.213.0.10\nrepo1-host-type=tls\nrepo1-host-port=8432\nrepo1-host-config=/etc/pgbackrest/repo.conf\n")
                .contains("repo1-host-cert-file=/etc/pgbackrest/tls/server.crt").contains("tls-server-address=10.213.0.12\n")
                .contains("tls-server-auth=10.213.0.10=pg-test\n").contains("repo1-path=/var/lib/pgbackrest-repo\n").doesNotContain("retention");
        pgbackrestReads(member, "pg-test");
        Map<String, FileSpec> infra = files(plan, "10.213.0.10");
        String repo = infra.get(Backup.REPO_CONF).text();
        assertThat(repo).contains("[pg-test]\npg1-host=10.213.0.11\npg1-path=/pg/data")
                .contains("pg2-host=10.213.0.12\n").contains("pg3-host=10.213.0.13\n").contains("pg3-host-type=tls\n")
                .contains("repo1-path=/var/lib/pgbackrest-repo\nrepo1-retention-full-type=count\nrepo1-retention-full=4\n")
                .contains("tls-server-address=10.213.0.10\n").contains("tls-server-auth=10.213.0.11=pg-test\n")
                .contains("tls-server-auth=10.213.0.13=pg-test\n").contains("tls-server-cert-file=" + Backup.REPO_CERT);
        pgbackrestReads(repo, "pg-test");
        assertThat(infra.get("/etc/systemd/system/pgbackrest-server-repo.service").text())
                .contains("User=pgbackrest").contains("--config=/etc/pgbackrest/repo.conf server");
        // backups are taken by the repository host, which finds the primary itself: they follow a failover unchanged
        assertThat(infra.get(Backup.cronFile("pg-test")).text())
                .contains("00 01 * * * pgbackrest /usr/bin/pgbackrest --config=/etc/pgbackrest/repo.conf --stanza=pg-test --type=full backup");
        assertThat(files(plan, "10.213.0.11")).doesNotContainKey(Backup.cronFile("pg-test")).doesNotContainKey(Backup.BACKUP_SCRIPT);
        assertThat(stepIds(plan, "10.213.0.10", BackupModule.PHASE)).containsExactly("backup:stanza", "backup:check", "backup:initial");
        // the primary resets its archiver only once the repository host's stanza and check are done: a later phase
        assertThat(stepIds(plan, "10.213.0.11", BackupModule.PHASE)).isEmpty();
        assertThat(stepIds(plan, "10.213.0.11", BackupModule.ARCHIVER_PHASE)).containsExactly("backup:archiver-reset");
        java.util.List<String> order = plan.phases().stream().map(Phase::name).toList();
        assertThat(order.indexOf(BackupModule.ARCHIVER_PHASE)).isGreaterThan(order.indexOf(BackupModule.PHASE));
        assertThat(stepIds(plan, "10.213.0.10", "pg-install")).contains("backup:tls-issue");
        assertThat(stepIds(plan, "10.213.0.13", "pg-config")).contains("backup:tls-copy", "service:pgbackrest-server");

        Plan backup = plan(sandbox("      pgbackrest_method: central\n"), Playbook.pgsqlBackup("pg-test", BackupType.INCR));
        assertThat(backup.render().toText()).contains("--stanza=pg-test --type=incr backup");
        assertThat(backup.hosts()).extracting(h -> h.address()).containsExactly("10.213.0.10");
    }

    @Test
    void centralRepo_withPki_getsEveryCertificateFromTheDeploymentsCa_noOpensslCa() {
        io.pigsty.pki.Pki pki = io.pigsty.pki.Pki.create(io.pigsty.pki.CaSpec.pigstyDefault());
        Plan plan = Pigsty.builder().inventory(sandbox("      pgbackrest_method: central\n")).serviceLoader(false)
                .module(new io.pigsty.pki.PkiModule(pki)).module(new EtcdModule()).module(new PatroniModule())
                .module(new BackupModule()).build().plan(Playbook.pgsqlCreate("pg-test"));
        assertThat(stepIds(plan, "10.213.0.10", "pg-install")).contains("pki:" + Backup.REPO_CERT).doesNotContain("backup:tls-issue");
        assertThat(stepIds(plan, "10.213.0.13", "pg-config")).contains("pki:/etc/pgbackrest/tls/server.crt", "service:pgbackrest-server")
                .doesNotContain("backup:tls-copy");
        String text = plan.render().toText();
        // the CN is the address tls-server-auth names; the address is a DNS entry too (pgBackRest 2.45 matches those only)
        assertThat(text).contains("issues /etc/pgbackrest/tls/repo.crt (0644) and /etc/pgbackrest/tls/repo.key (0600), owner pgbackrest, "
                        + "for CN=10.213.0.10 IP=[10.213.0.10] DNS=[10.213.0.10]",
                "issues /etc/pgbackrest/tls/server.crt (0644) and /etc/pgbackrest/tls/server.key (0600), owner postgres, "
                        + "for CN=10.213.0.13 IP=[10.213.0.13] DNS=[10.213.0.13]",
                "! systemctl is-active -q pgbackrest-server-repo || systemctl restart pgbackrest-server-repo").doesNotContain("openssl");
        // the CA pgBackRest verifies with is the deployment's
        assertThat(files(plan, "10.213.0.12").get("/etc/pgbackrest/tls/ca.crt").text()).isEqualTo(pki.caCertificatePem());
    }

    @Test
    void clone_bootstrapsFromTheSourceStanza_latestOrTargetTime_orAsStandby() {
        String clone = """
                    pg-clone:
                      hosts:
                        10.213.0.14: { pg_seq: 1, pg_role: primary }
                      vars:
                        pg_cluster: pg-clone
                        pgbackrest_method: central
                        pg_clone_from: pg-test
                """;
        String base = sandboxYaml("      pgbackrest_method: central\n");
        String y = base.replace("\n  vars:\n", "\n" + clone.stripTrailing() + "\n  vars:\n");
        Inventory inv = Inventory.parse(y, "clone.yml");
        Map<String, FileSpec> f = files(plan(inv, Playbook.pgsqlCreate("pg-clone")), "10.213.0.14");
        assertThat(f.get("/etc/patroni/patroni.yml").text()).contains("  method: pgbackrest\n")
                .contains("command: '/usr/bin/pgbackrest --stanza=pg-test --pg1-path=/pg/data --delta --type=default restore'")
                .contains("archive_command: 'pgbackrest --stanza=pg-clone archive-push %p'");
        assertThat(f.get(Backup.CONF).text()).contains("[pg-clone]\n").contains("[pg-test]\npg1-path=/pg/data");
        assertThat(files(plan(inv, Playbook.pgsqlCreate("pg-clone")), "10.213.0.10").get(Backup.REPO_CONF).text())
                .contains("tls-server-auth=10.213.0.14=pg-clone,pg-test\n");

        Inventory at = Inventory.parse(y.replace("pg_clone_from: pg-test", "pg_clone_from: pg-test\n        pg_clone_target: {time: '2026-12-01 10:00:00+00'}"), "t.yml");
        assertThat(files(plan(at, Playbook.pgsqlCreate("pg-clone")), "10.213.0.14").get("/etc/patroni/patroni.yml").text())
                .contains("--type=time --target=2026-12-01 10:00:00+00 --target-action=promote restore");
        Inventory sb = Inventory.parse(y.replace("pg_clone_from: pg-test", "pg_clone_from: pg-test\n        pg_clone_standby: true"), "s.yml");
        assertThat(files(plan(sb, Playbook.pgsqlCreate("pg-clone")), "10.213.0.14").get("/etc/patroni/patroni.yml").text())
                .contains("standby_cluster:\n      host: 10.213.0.11\n      port: 5432\n")
                .contains("restore_command: 'pgbackrest --stanza=pg-test archive-get %f \"%p\"'")
                .doesNotContain("method: pgbackrest");
    }

    @Test
    void pitrPlan_guardsFirst_thenDownRestoreUpReplicas() {
        Inventory inv = sandbox("");
        Plan plan = plan(inv, Playbook.pgsqlPitr("pg-test", PitrTarget.time(OffsetDateTime.parse("2026-12-01T10:00:00Z"))));
        assertThat(plan.phases()).extracting(Phase::name)
                .containsExactly("preflight", "pitr-down", "pitr-restore", "pitr-up", "pitr-replicas", "pitr-verify");
        assertThat(stepIds(plan, "10.213.0.11", "preflight")).containsExactly("pgsql-pitr:live-guard", "pgsql-pitr:window");
        assertThat(stepIds(plan, "10.213.0.11", "pitr-restore")).containsExactly("pitr:restore", "pitr:recover");
        assertThat(stepIds(plan, "10.213.0.11", "pitr-up")).containsExactly("pitr:dcs-wipe", "service:patroni", "pitr:primary", "pitr:resume");
        // a replica's data is wiped only after the restored primary serves (a failed restore leaves the replicas' copies)
        assertThat(stepIds(plan, "10.213.0.13", "pitr-replicas"))
                .containsExactly("pitr:primary-ready", "pitr:reinit", "service:patroni", "pitr:replica");
        // synchronous mode: the restore ends when Patroni names a synchronous standby, else a primary crash finds no candidate
        Plan sync = plan(sandbox("      pg_rpo: 0\n"), Playbook.pgsqlPitr("pg-test", PitrTarget.latest()).allowLive());
        assertThat(stepIds(sync, "10.213.0.11", "pitr-verify")).first().isEqualTo("pitr:sync-standby");
        assertThat(sync.render().toText()).contains("http://10.213.0.12:8008/sync").contains("http://10.213.0.13:8008/sync");
        assertThat(stepIds(plan(sandbox("      pg_rpo: 1048576\n"), Playbook.pgsqlPitr("pg-test", PitrTarget.latest()).allowLive()),
                "10.213.0.11", "pitr-verify")).doesNotContain("pitr:sync-standby");
        String text = plan.render().toText();
        assertThat(text).contains("http://10.213.0.11:8008/primary").contains("keeps its data; nothing was wiped")
                .contains("pgrep -x postgres >/dev/null || exit 0");
        assertThat(text).contains("--type=time").contains("--target=2026-12-01 10:00:00.000000+00:00").contains("--target-action=promote")
                .contains("del --prefix /pg/pg-test/");
        // allowLive drops only the live guard
        assertThat(stepIds(plan(inv, Playbook.pgsqlPitr("pg-test", PitrTarget.immediate()).allowLive()), "10.213.0.11", "preflight"))
                .containsExactly("pgsql-pitr:window");
        assertThatThrownBy(() -> plan(sandbox("      pg_safeguard: true\n"), Playbook.pgsqlPitr("pg-test", PitrTarget.latest())))
                .hasMessageContaining("pg_safeguard is set for pg-test");
        assertThatThrownBy(() -> plan(inv, Playbook.pgsqlPitr("pg-test"))).hasMessageContaining("no target");
        // the inventory's pg_pitr is the default target
        assertThat(plan(sandbox("      pg_pitr: {type: name, name: before_upgrade}\n"), Playbook.pgsqlPitr("pg-test")).render().toText())
                .contains("--type=name").contains("--target=before_upgrade");
    }

    @Test
    void validation_reportsTheRepositoryProblemAtItsPath() {
        assertThatThrownBy(() -> sandbox("      pgbackrest_method: central\n      pgbackrest_repo: {central: {host: 10.213.0.99, host_type: ssh, path: /b, retention_full: 2}}\n"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("all.children.pg-test.vars.pgbackrest_repo.central.host: '10.213.0.99' is not an infra node [10.213.0.10]")
                .hasMessageContaining("all.children.pg-test.vars.pgbackrest_repo.central.host_type: 'ssh': the central repository is reached over pgBackRest's TLS server only");
    }

    /** Phase name and host address of every step with this id, in plan order. */
    static java.util.List<String> where(Plan plan, String stepId) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Phase p : plan.phases()) {
            p.steps().forEach((h, steps) -> steps.stream().filter(s -> s.id().equals(stepId))
                    .forEach(s -> out.add(p.name() + " " + h.address())));
        }
        return out;
    }

    @Test
    void pgsqlRm_deletesTheStanza_afterEveryMemberStopped_unlessPgRmBackupIsFalse() {
        Plan central = plan(sandbox("      pgbackrest_method: central\n"), Playbook.pgsqlRemove("pg-test").allowLive());
        assertThat(where(central, "backup:stanza-delete")).containsExactly("backup-remove 10.213.0.10");
        java.util.List<String> phases = central.phases().stream().map(Phase::name).toList();
        assertThat(phases.indexOf("backup-remove")).isGreaterThan(phases.indexOf("pg-remove"));
        String cmd = central.render().toText();
        assertThat(cmd).contains("--config=/etc/pgbackrest/repo.conf --stanza=pg-test stanza-delete --force");
        // Pigsty's local repository: each member holds its own stanza
        assertThat(where(plan(sandbox(""), Playbook.pgsqlRemove("pg-test").allowLive()), "backup:stanza-delete"))
                .containsExactly("backup-remove 10.213.0.11", "backup-remove 10.213.0.12", "backup-remove 10.213.0.13");
        assertThat(where(plan(sandbox("      pg_rm_backup: false\n"), Playbook.pgsqlRemove("pg-test").allowLive()),
                "backup:stanza-delete")).isEmpty();
        // a member leaving a live cluster keeps the cluster's backups
        assertThat(where(plan(sandbox("      pgbackrest_method: central\n"), Playbook.pgsqlRemoveInstance("pg-test", "pg-test-3")),
                "backup:stanza-delete")).isEmpty();
    }
}
