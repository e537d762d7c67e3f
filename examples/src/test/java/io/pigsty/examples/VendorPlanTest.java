package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.model.Inventory;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgDatabase;
import io.pigsty.model.PgUser;
import io.pigsty.model.Role;
import io.pigsty.model.RtoMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a vendor writes: the sandbox inventory built fluently, the pgsql plan rendered offline,
 * assertions through the dry-run recorder, and a reviewed golden rendering.
 */
class VendorPlanTest {

    static Inventory fluentSandbox() {
        return Inventory.builder()
                .infra(NodeGroup.builder("infra").node("10.213.0.10", v -> v.set(Params.INFRA_SEQ, 1)).build())
                .etcd(NodeGroup.builder("etcd").set(Params.ETCD_CLUSTER, "etcd")
                        .node("10.213.0.10", v -> v.set(Params.ETCD_SEQ, 1)).build())
                .cluster(PgCluster.named("pg-meta").instance(1, "10.213.0.10", Role.PRIMARY)
                        .user(PgUser.named("dbuser_meta").password("DBUser.Meta").pgbouncer(true).roles("dbrole_admin")
                                .comment("pigsty admin user"))
                        .database(PgDatabase.named("meta").owner("dbuser_meta").schemas("pigsty")
                                .extensions("pg_stat_statements")))
                .cluster(PgCluster.named("pg-test")
                        .instance(1, "10.213.0.11", Role.PRIMARY)
                        .instance(2, "10.213.0.12", Role.REPLICA)
                        .instance(3, "10.213.0.13", Role.REPLICA, i -> i.offlineQuery(true))
                        .user(PgUser.named("test").password("Test.Pass.1").pgbouncer(true).roles("dbrole_admin")
                                .comment("test user"))
                        .database(PgDatabase.named("test").owner("test"))
                        .vip("10.213.0.3/24").set(Params.PG_VIP_INTERFACE, "eth0"))
                .set(Params.VERSION, "v4.5.0").set(Params.ADMIN_IP, "10.213.0.10")
                .set(Params.NODE_CPU, 1).set(Params.NODE_MEM_MB, 1024).set(Params.NODE_DISK_GB, 20)
                .set(Params.PG_RTO, RtoMode.FAST)
                .build();
    }

    @Test
    void fluentSandbox_equalsTheShippedSample() {
        assertThat(fluentSandbox()).isEqualTo(Inventory.sample("sandbox"));
    }

    @Test
    void pgsqlPlan_assertedThroughTheDryRunRecorder() {
        Plan plan = Pigsty.builder().inventory(fluentSandbox()).build().plan(Playbook.pgsqlCreate("pg-test"));
        PlanAssert.assertThat(plan).onHost("10.213.0.11")
                .writesFile("/etc/patroni/patroni.yml").withMode("0600").ownedBy("postgres")
                .containing("scope: pg-test").containing("name: pg-test-1").containing("ttl: 20")
                .and().writesFile("/etc/haproxy/conf.d/pg-test-primary.cfg").containing("bind *:5433")
                .containing("http-check send meth OPTIONS uri /primary")
                .and().writesFile("/etc/keepalived/keepalived.conf").withMode("0600").containing("10.213.0.3/24")
                .and().hasStep("patroni:primary").runs("systemctl try-reload-or-restart patroni");
        PlanAssert.assertThat(plan).onHost("10.213.0.13").hasStep("patroni:replica")
                .writesFile("/etc/haproxy/conf.d/pg-test-offline.cfg").containing("server pg-test-3 10.213.0.13:5432");

        DryRunExecutor dry = DryRunExecutor.builder().facts(2, 4096, 50).installed("patroni", "4.0.7-3~deb13u1")
                .model(plan).build();
        ApplyResult first = plan.apply(dry, PlanListener.NONE);
        PlanAssert.assertThat(first).hasNoFailures();
        assertThat(first.changedCount()).isEqualTo(plan.stepCount() - unchangedOnAFreshHost(first));
        assertThat(dry.filesWritten("10.213.0.12")).containsKey("/etc/patroni/patroni.yml");
        PlanAssert.assertThat(plan.apply(dry, PlanListener.NONE)).hasNoFailures().changed(0);

        DryRunExecutor old = DryRunExecutor.builder().installed("patroni", "3.0.2-1").model(plan).build();
        ApplyResult refused = plan.apply(old, PlanListener.NONE);
        assertThat(refused.failedHosts()).containsExactlyInAnyOrder("10.213.0.11", "10.213.0.12", "10.213.0.13");
        assertThat(refused.steps().stream().filter(s -> s.error().isPresent()).findFirst().orElseThrow().error()).get()
                .asString().contains("3.0.3").contains("#2689");
        assertThat(old.recorded()).noneMatch(r -> r.kind().equals("put")); // refused before touching anything
    }

    /** Steps that change nothing even on a fresh host: waits, guards and the version check. */
    private static int unchangedOnAFreshHost(ApplyResult r) {
        return (int) r.steps().stream().filter(s -> s.status() == io.pigsty.api.plan.StepStatus.OK).count();
    }

    @Test
    void nodeEtcdPgsql_dryApplied_inOrder_thenAgain_changeNothing() {
        Pigsty pigsty = Pigsty.builder().inventory(Inventory.sample("sandbox")).build();
        List<Plan> plans = List.of(pigsty.plan(Playbook.node("pg-test")), pigsty.plan(Playbook.node("pg-meta")),
                pigsty.plan(Playbook.etcd()), pigsty.plan(Playbook.pgsqlCreate("pg-test")));
        DryRunExecutor.Builder b = DryRunExecutor.builder().installed("patroni", "4.0.7-3~deb13u1");
        plans.forEach(b::model);
        DryRunExecutor dry = b.build();
        for (Plan p : plans) {
            ApplyResult first = p.apply(dry, PlanListener.NONE);
            PlanAssert.assertThat(first).hasNoFailures();
            assertThat(first.changedCount()).as(p.playbook()).isPositive();
        }
        assertThat(dry.runningServices("10.213.0.11")).contains("patroni", "pgbouncer", "haproxy", "keepalived");
        assertThat(dry.runningServices("10.213.0.10")).contains("etcd");
        for (Plan p : plans) {
            PlanAssert.assertThat(p.apply(dry, PlanListener.NONE)).as(p.playbook()).hasNoFailures().changed(0);
            assertThat(p.check(dry).converged()).as(p.playbook()).isTrue();
        }
    }

    @Test
    void renderedPlan_matchesTheReviewedGoldenFile_andIsDeterministic() throws IOException {
        String text = Pigsty.builder().inventory(fluentSandbox()).build().plan(Playbook.pgsqlCreate("pg-test")).render().toText();
        String again = Pigsty.builder().inventory(Inventory.sample("sandbox")).build().plan(Playbook.pgsqlCreate("pg-test"))
                .render().toText();
        assertThat(again).isEqualTo(text);
        Path golden = Path.of("src/test/resources/golden/sandbox-pgsql-pg-test.txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, text, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file; regenerate with -Dgolden.update=true and review the diff").exists();
        assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        for (String secret : Pigsty.secrets(fluentSandbox())) {
            if (secret.length() >= 8) {
                assertThat(text).as("no secret in the rendered plan").doesNotContain(secret);
            }
        }
    }
}
