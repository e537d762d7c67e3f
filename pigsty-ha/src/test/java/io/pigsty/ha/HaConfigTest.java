package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.Playbook;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.plan.Plan;
import io.pigsty.ha.internal.HaSupport;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgService;
import io.pigsty.model.PgTuning;
import io.pigsty.model.PigstyException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaConfigTest {
    private final Inventory sandbox = Inventory.sample("sandbox");

    private List<String> members(String service, boolean backup) {
        PgCluster c = sandbox.requireCluster("pg-test");
        PgService s = sandbox.resolve(c).get(Params.PG_DEFAULT_SERVICES).stream()
                .filter(x -> x.name().equals(service)).findFirst().orElseThrow();
        return HaSupport.servers(sandbox, c, s).stream().filter(x -> x.backup() == backup).map(HaSupport.Server::name).toList();
    }

    @Test
    void jmesPathSelectors_chooseThePigstyMembers() {
        assertThat(members("primary", false)).containsExactly("pg-test-1", "pg-test-2", "pg-test-3");
        assertThat(members("replica", false)).containsExactly("pg-test-2", "pg-test-3");
        assertThat(members("replica", true)).containsExactly("pg-test-1");
        assertThat(members("offline", false)).containsExactly("pg-test-3");
        assertThat(members("offline", true)).containsExactly("pg-test-2");
        assertThat(members("default", false)).hasSize(3);
    }

    @Test
    void tuning_followsPigstyFormulas() {
        var oltp = PgTuningCalculator.compute(PgTuning.OLTP, 8, 16384, 200, 0.25, 0, "pgbouncer");
        assertThat(oltp.maxConnections()).isEqualTo(500);
        assertThat(oltp.sharedBuffersMb()).isEqualTo(4096);
        assertThat(oltp.maintenanceWorkMemMb()).isEqualTo(1024);
        assertThat(oltp.effectiveCacheSizeMb()).isEqualTo(12288);
        assertThat(oltp.workMemMb()).isEqualTo(64);
        assertThat(oltp.maxWorkerProcesses()).isEqualTo(16);
        assertThat(oltp.maxParallelWorkersPerGather()).isEqualTo(2);
        assertThat(oltp.minWalSizeGb()).isEqualTo(10);
        assertThat(oltp.maxWalSizeGb()).isEqualTo(40);
        var olap = PgTuningCalculator.compute(PgTuning.OLAP, 32, 262144, 4000, 0.25, 0, "pgbouncer");
        assertThat(olap.maintenanceWorkMemMb()).isEqualTo(32768);
        assertThat(olap.workMemMb()).isEqualTo(131);
        assertThat(olap.maxWorkerProcesses()).isEqualTo(44);
        assertThat(olap.tempFileLimitGb()).isEqualTo(800);
        var tiny = PgTuningCalculator.compute(PgTuning.TINY, 1, 1024, 20, 0.25, 0, "pgbouncer");
        assertThat(tiny.maxConnections()).isEqualTo(250);
        assertThat(tiny.workMemMb()).isEqualTo(16);
        assertThat(tiny.maxParallelWorkersPerGather()).isZero();
        assertThat(PgTuningCalculator.compute(PgTuning.OLTP, 4, 8192, 100, 0.25, 0, "postgres").maxConnections()).isEqualTo(1000);
        assertThat(PgTuningCalculator.compute(PgTuning.OLTP, 4, 8192, 100, 0.25, 300, "postgres").maxConnections()).isEqualTo(300);
    }

    @Test
    void patroniConfig_carriesRtoRpoAndIsSecret() {
        Plan plan = HaFiles.plan(sandbox, Playbook.pgsqlCreate("pg-test"));
        PlanAssert.assertThat(plan).onHost("10.213.0.11").writesFile("/etc/patroni/patroni.yml").withMode("0600")
                .ownedBy("postgres").containing("ttl: 20").containing("loop_wait: 5").containing("maximum_lag_on_failover: 1048576")
                .containing("synchronous_mode: false").containing("hba_file: '/pg/conf/pg_hba.conf'")
                .containing("hosts: '10.213.0.10:2379'").containing("shared_buffers: '256MB'");
        PlanAssert.assertThat(plan).onHost("10.213.0.12").hasStep("patroni:replica").hasStep("patroni:version")
                .writesFile("/etc/haproxy/conf.d/pg-test-offline.cfg")
                .containing("server pg-test-3 10.213.0.13:5432 check port 8008 weight 100")
                .containing("server pg-test-2 10.213.0.12:5432 check port 8008 weight 100 backup")
                .containing("default-server inter 1s fastinter 500ms downinter 1s rise 3 fall 3");
        assertThat(plan.render().toText()).doesNotContain("DBUser.Replicator").doesNotContain("Patroni.API");

        Inventory sync = sandbox.toBuilder().build();
        PgCluster c = sync.requireCluster("pg-test").toBuilder().rpo(0).build();
        Inventory rpo0 = sync.withCluster(c);
        PlanAssert.assertThat(HaFiles.plan(rpo0, Playbook.pgsqlCreate("pg-test"))).onHost("10.213.0.11")
                .writesFile("/etc/patroni/patroni.yml").containing("synchronous_mode: true")
                .containing("synchronous_mode_strict: false");
        Inventory crit = sync.withCluster(sync.requireCluster("pg-test").toBuilder().tuning(PgTuning.CRIT).build());
        PlanAssert.assertThat(HaFiles.plan(crit, Playbook.pgsqlCreate("pg-test"))).onHost("10.213.0.11")
                .writesFile("/etc/patroni/patroni.yml").containing("synchronous_mode_strict: true");
    }

    @Test
    void pgsqlRm_isGuarded_andRemovesReplicasBeforePrimary() {
        Inventory guarded = sandbox.withCluster(sandbox.requireCluster("pg-test").toBuilder().set(Params.PG_SAFEGUARD, true).build());
        assertThatThrownBy(() -> HaFiles.plan(guarded, Playbook.pgsqlRemove("pg-test")))
                .isInstanceOf(PigstyException.class).hasMessageContaining("pg_safeguard");
        Plan rm = HaFiles.plan(sandbox, Playbook.pgsqlRemove("pg-test"));
        PlanAssert.assertThat(rm).onHost("10.213.0.11").hasStep("pgsql-rm:live-guard");
        List<String> order = rm.phases().stream().filter(p -> p.name().equals("pg-remove"))
                .flatMap(p -> p.steps().keySet().stream()).map(h -> h.address()).toList();
        assertThat(order).containsExactly("10.213.0.12", "10.213.0.13", "10.213.0.11");
        Plan live = HaFiles.plan(sandbox, Playbook.pgsqlRemove("pg-test").allowLive());
        assertThat(live.phases()).noneMatch(p -> p.name().equals("preflight"));
    }
}
