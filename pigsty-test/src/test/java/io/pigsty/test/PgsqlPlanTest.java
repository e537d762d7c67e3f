package io.pigsty.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The NODE and PGSQL modules' contribution to the plans, offline. */
class PgsqlPlanTest {
    private final Inventory inv = Inventory.sample("sandbox").withGeneratedPasswords(new SecureRandom());
    private final Pigsty pigsty = Pigsty.builder().inventory(inv).build();

    @Test
    void createPlanHasNodeHbaProvisionAndPgbouncerSteps() {
        Plan plan = pigsty.plan(Playbook.pgsqlCreate("pg-test"));
        PlanAssert.assertThat(plan).onHost("10.213.0.11")
                .hasStep("packages").hasStep("node:debian-defaults").hasStep("node:pg-link").hasStep("dir:/pg/data")
                .hasStep("file:/etc/sysctl.d/pigsty.conf").hasStep("node:sysctl")
                .hasStep("file:/pg/conf/pg_hba.conf").hasStep("file:/var/lib/postgresql/.pgpass")
                .hasStepBefore("pgsql:user:dbrole_readonly", "pgsql:user:test")
                .hasStepBefore("pgsql:user:test", "pgsql:template:template1")
                .hasStepBefore("pgsql:template:template1", "pgsql:db:test")
                .hasStepBefore("file:/etc/pgbouncer/pgbouncer.ini", "service:pgbouncer")
                .runs("systemctl try-reload-or-restart pgbouncer")
                .runs("pg_reload_conf()");
        PlanAssert.assertThat(plan).onHost("10.213.0.11").writesFile("/pg/conf/pg_hba.conf").withMode("0640").ownedBy("postgres");
        PlanAssert.assertThat(plan).onHost("10.213.0.11").writesFile("/etc/pgbouncer/userlist.txt").withMode("0600");
        PlanAssert.assertThat(plan).onHost("10.213.0.11").writesFile("/pg/tmp/pg-user-test.sql").withMode("0600");
        PlanAssert.assertThat(plan).onHost("10.213.0.11").writesFile("/etc/systemd/system/pgbouncer.service")
                .containing("ExecStart=/usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini").withMode("0644");
        // SQL runs on the primary only; every member gets HBA and PgBouncer
        for (String replica : List.of("10.213.0.12", "10.213.0.13")) {
            PlanAssert.assertThat(plan).onHost(replica).doesNotWriteFile("/pg/tmp/pg-user-test.sql")
                    .hasStep("file:/pg/conf/pg_hba.conf").hasStep("service:pgbouncer");
        }
        PlanAssert.assertThat(plan).onHost("10.213.0.13").writesFile("/pg/conf/pg_hba.conf")
                .containing("# allow etl offline tasks from intranet [offline]\nhost");
        // HBA exists before PostgreSQL first starts (Patroni's hba_file points at it)
        List<String> phases = plan.phases().stream().map(Phase::name).toList();
        assertThat(phases.indexOf("pg-config")).isLessThan(phases.indexOf("pg-provision"));
        assertThat(plan.phases().stream().filter(p -> p.name().equals("pg-config")).findFirst().orElseThrow()
                .steps().values().stream().flatMap(List::stream).map(Step::id)).contains("file:/pg/conf/pg_hba.conf");
    }

    @Test
    void secretsOnlyInSecretFilesWithMode0600() {
        // pg_etcd_password defaults to the cluster name, which is public anyway: not a secret to look for
        Set<String> names = Set.copyOf(inv.clusters().stream().map(c -> c.name()).toList());
        Set<String> secrets = Set.copyOf(Pigsty.secrets(inv).stream().filter(x -> !names.contains(x)).toList());
        assertThat(secrets).hasSizeGreaterThan(5);
        for (String pb : List.of("pgsql", "pgsql-user", "pgsql-db", "pgsql-hba", "node")) {
            Plan plan = pigsty.plan(switch (pb) {
                case "pgsql" -> Playbook.pgsqlCreate("pg-test");
                case "pgsql-user" -> Playbook.pgsqlUser("pg-test", "test");
                case "pgsql-db" -> Playbook.pgsqlDb("pg-test", "test");
                case "pgsql-hba" -> Playbook.pgsqlHba("pg-test");
                default -> Playbook.node("pg-test");
            });
            int secretFiles = 0;
            for (Phase phase : plan.phases()) {
                for (List<Step> steps : phase.steps().values()) {
                    for (Step s : steps) {
                        Rendered r = s.render();
                        for (FileSpec f : r.files()) {
                            // a role's password reaches its files as a SCRAM verifier (userlist.txt, the
                            // role's SQL): as closely guarded as the password itself
                            boolean holds = secrets.stream().anyMatch(x -> f.text().contains(x))
                                    || f.text().contains("SCRAM-SHA-256$");
                            if (holds) {
                                secretFiles++;
                                assertThat(f.secret()).as("%s %s holds a secret", pb, f.path()).isTrue();
                                assertThat(f.mode()).as("%s %s", pb, f.path()).isEqualTo("0600");
                            }
                        }
                        for (Command c : r.commands()) {
                            for (String x : secrets) {
                                assertThat(c.commandLine()).as("%s %s", pb, s.id()).doesNotContain(x);
                            }
                        }
                        for (String x : secrets) {
                            assertThat(s.description() + r.notes()).doesNotContain(x);
                        }
                    }
                }
            }
            if (!pb.equals("node") && !pb.equals("pgsql-db") && !pb.equals("pgsql-hba")) {
                assertThat(secretFiles).as(pb).isPositive();
            }
            String text = plan.render().toText() + plan.render().toJson();
            assertThat(text).as(pb).doesNotContain("SCRAM-SHA-256$");
            for (String x : secrets) {
                assertThat(text).doesNotContain(x);
            }
        }
    }

    @Test
    void maintenancePlaybooksTouchOnlyWhatConcernsThem() {
        Plan user = pigsty.plan(Playbook.pgsqlUser("pg-test", "test"));
        PlanAssert.assertThat(user).onHost("10.213.0.11").hasStep("pgsql:user:test")
                .hasStep("file:/etc/pgbouncer/userlist.txt").doesNotWriteFile("/pg/conf/pg_hba.conf")
                .doesNotWriteFile("/etc/pgbouncer/database.txt");
        PlanAssert.assertThat(user).onHost("10.213.0.12").hasStep("file:/etc/pgbouncer/userlist.txt")
                .doesNotWriteFile("/pg/tmp/pg-user-test.sql");
        Plan db = pigsty.plan(Playbook.pgsqlDb("pg-test", "test"));
        PlanAssert.assertThat(db).onHost("10.213.0.11").hasStep("pgsql:db:test").hasStep("file:/etc/pgbouncer/database.txt")
                .doesNotWriteFile("/etc/pgbouncer/userlist.txt");
        Plan hba = pigsty.plan(Playbook.pgsqlHba("pg-test"));
        PlanAssert.assertThat(hba).onHost("10.213.0.12").hasStep("file:/pg/conf/pg_hba.conf")
                .hasStep("file:/etc/pgbouncer/pgb_hba.conf").doesNotWriteFile("/etc/pgbouncer/userlist.txt");
        assertThatThrownBy(() -> pigsty.plan(Playbook.pgsqlUser("pg-test", "nobody"))).hasMessageContaining("nobody");
        assertThatThrownBy(() -> pigsty.plan(Playbook.pgsqlUser("pg-test", "postgres"))).hasMessageContaining("dbsu");
        assertThatThrownBy(() -> pigsty.plan(Playbook.pgsqlDb("pg-test", "nodb"))).hasMessageContaining("nodb");
    }

    @Test
    void nodePlaybookGivesEachNodeWhatItsRolesNeed() {
        Plan meta = pigsty.plan(Playbook.node("pg-meta"));
        // the meta node is a PG member and the etcd member
        PlanAssert.assertThat(meta).onHost("10.213.0.10").hasStep("packages").runs("etcd-server").runs("postgresql-15");
        Plan test = pigsty.plan(Playbook.node("pg-test"));
        PlanAssert.assertThat(test).onHost("10.213.0.11").runs("postgresql-15").runs("keepalived");
        assertThat(test.render().toText()).doesNotContain("etcd-server");
        Plan etcd = pigsty.plan(Playbook.node("etcd"));
        PlanAssert.assertThat(etcd).onHost("10.213.0.10").runs("etcd-server").doesNotWriteFile("/pg/conf/pg_hba.conf");
        assertThat(etcd.render().toText()).doesNotContain("postgresql-15").doesNotContain("node:pg-link");
    }

    @Test
    void dryRunApplyOfUserPlaybookWritesTheSqlAndRunsItOnThePrimaryOnly() {
        Plan plan = pigsty.plan(Playbook.pgsqlUser("pg-test", "test"));
        assertThat(plan.apply(DryRunExecutor.builder().build(), io.pigsty.api.plan.PlanListener.NONE).steps())
                .as("strict: the SQL probes of a plan it does not model are unanswered")
                .anyMatch(s -> s.error().orElse("").contains("no scripted answer and no model")
                        && s.error().get().contains("psql -X -A -t"));
        DryRunExecutor ex = DryRunExecutor.builder().model(plan).build();
        var result = plan.apply(ex, new io.pigsty.api.plan.PlanListener() { });
        PlanAssert.assertThat(result).hasNoFailures();
        PlanAssert.assertThat(plan.apply(ex, io.pigsty.api.plan.PlanListener.NONE)).hasNoFailures().changed(0);
        assertThat(ex.filesWritten("10.213.0.11")).containsKey("/pg/tmp/pg-user-test.sql")
                .containsKey("/etc/pgbouncer/userlist.txt");
        assertThat(ex.filesWritten("10.213.0.12")).doesNotContainKey("/pg/tmp/pg-user-test.sql")
                .containsKey("/etc/pgbouncer/userlist.txt");
        assertThat(ex.recorded().stream().map(DryRunExecutor.Recorded::detail))
                .anyMatch(d -> d.startsWith("[postgres] psql") && d.contains("-f /pg/tmp/pg-user-test.sql"))
                .anyMatch(d -> d.contains("systemctl try-reload-or-restart pgbouncer"));
        for (String secret : Pigsty.secrets(inv)) {
            if (secret.length() >= 8) {
                assertThat(ex.recorded().stream().map(DryRunExecutor.Recorded::detail))
                        .noneMatch(d -> d.contains(secret));
            }
        }
    }

    @Test
    void pgbouncerDisabledMeansNoPgbouncerSteps() {
        PgCluster c = inv.requireCluster("pg-test").toBuilder().set(io.pigsty.model.Params.PGBOUNCER_ENABLED, false).build();
        Inventory noPgb = new Inventory(inv.vars(), inv.infra(), inv.etcd(),
                inv.clusters().stream().map(x -> x.name().equals("pg-test") ? c : x).toList(), inv.nodeGroups());
        Plan plan = Pigsty.builder().inventory(noPgb).build().plan(Playbook.pgsqlCreate("pg-test"));
        PlanAssert.assertThat(plan).onHost("10.213.0.11").doesNotWriteFile("/etc/pgbouncer/pgbouncer.ini")
                .hasStep("pgsql:user:test");
        assertThat(plan.render().toText()).doesNotContain("service:pgbouncer");
    }

    @Test
    void renderIsDeterministic() {
        String a = pigsty.plan(Playbook.pgsqlCreate("pg-test")).render().toText();
        String b = Pigsty.builder().inventory(inv).build().plan(Playbook.pgsqlCreate("pg-test")).render().toText();
        assertThat(a).isEqualTo(b);
        assertThat(Map.of("k", a.length())).isNotEmpty();
    }
}
