package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.facts.OsCheck;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 12: an offline plan renders what the inventory asks for its pg_version and Pigsty values. */
class VersionsPlanTest {
    private static final String PG17 = """
            all:
              children:
                etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }
                pg-v17:
                  hosts:
                    10.213.0.21: { pg_seq: 1, pg_role: primary }
                    10.213.0.22: { pg_seq: 2, pg_role: replica }
                  vars:
                    pg_cluster: pg-v17
                    pg_version: 17
                    node_os: debian13
                    pg_bin_dir: /usr/pgsql/bin
                    pg_dbsu_home: /home/postgres
                    pg_listen: '${ip},${vip},${lo}'
                    pg_vip_enabled: true
                    pg_vip_address: 10.213.0.4/24
                    pg_vip_interface: auto
                    pg_max_conn: auto
                    patroni_watchdog_mode: off
                    pg_extensions: [pgvector, postgis, pg_cron]
                    pg_libs: 'pg_cron, pg_stat_statements, auto_explain'
                    pg_parameters: { cron.database_name: app }
                    pg_crontab: [ '00 01 * * * /pg/bin/pg-backup full' ]
                    node_crontab: [ '*/5 * * * * root /usr/bin/true' ]
                    pg_databases:
                      - { name: app, extensions: [vector, postgis, pg_cron, hypopg] }
              vars: { admin_ip: 10.213.0.10, node_cpu: 2, node_mem_mb: 2048, node_disk_gb: 20 }
            """;

    // every module the classpath has: NODE and PGSQL from pigsty-api, the HA ones from here
    private static Plan plan(Inventory inv) {
        return Pigsty.builder().inventory(inv).build().plan(Playbook.pgsqlCreate("pg-v17"));
    }

    @Test
    void pg17Plan_rendersVersionPackagesPathsAndPigstyValues() {
        Inventory inv = Inventory.parse(PG17, "pg17");
        Plan plan = plan(inv);
        String text = plan.render().toText();
        assertThat(text).contains("postgresql-17").contains("postgresql-17-pgvector").contains("postgresql-17-postgis-3")
                .contains("postgresql-17-cron").contains("postgresql-17-hypopg").doesNotContain("postgresql-15");
        PlanAssert.assertThat(plan).onHost("10.213.0.21").writesFile("/etc/patroni/patroni.yml")
                .containing("bin_dir: /usr/pgsql/bin").containing("pgpass: /home/postgres/.pgpass_patroni")
                .containing("listen: 10.213.0.21,10.213.0.4,127.0.0.1:5432").containing("max_connections: '500'").containing("max_locks_per_transaction: '500'")
                .containing("shared_preload_libraries: 'pg_cron,pg_stat_statements,auto_explain'");
        PlanAssert.assertThat(plan).onHost("10.213.0.21").hasStep("node:pg-bin-link").hasStep("preflight:os")
                .runs("/usr/lib/postgresql/17").runs("/data/postgres/pg-v17-17")
                .writesFile("/var/spool/cron/crontabs/postgres").withMode("0600").ownedBy("postgres")
                .containing("# Pigsty Managed Crontab for postgres").containing("00 01 * * * /pg/bin/pg-backup full")
                .containing("PATH=/usr/pgsql/bin:");
        PlanAssert.assertThat(plan).onHost("10.213.0.22").writesFile("/etc/cron.d/pigsty")
                .containing("*/5 * * * * root /usr/bin/true");
        PlanAssert.assertThat(plan).onHost("10.213.0.21").writesFile("/etc/keepalived/keepalived.conf")
                .containing("interface eth0");
    }

    @Test
    void removedCrontabs_areRemovedByThePlan() {
        Inventory inv = Inventory.parse(PG17.replace("pg_crontab: [ '00 01 * * * /pg/bin/pg-backup full' ]", "pg_crontab: []")
                .replace("node_crontab: [ '*/5 * * * * root /usr/bin/true' ]", "node_crontab: []"), "pg17");
        Plan plan = plan(inv);
        PlanAssert.assertThat(plan).onHost("10.213.0.21").doesNotWriteFile("/var/spool/cron/crontabs/postgres")
                .hasStep("node:pg-crontab-absent").hasStep("node:node-crontab-absent");
    }

    @Test
    void vipInterfaceAuto_comesFromGatheredFacts() {
        Inventory inv = Inventory.parse(PG17, "pg17");
        var c = inv.requireCluster("pg-v17");
        var i = c.instances().get(0);
        HostFacts gathered = new HostFacts("debian", "13", 2, 2048, 20, Map.of(), Set.of(), false,
                Map.of("10.213.0.21", "ens18", "127.0.0.1", "lo"));
        assertThat(VipModule.keepalived(inv, c, i, gathered)).containsEntry("interface", "ens18");
    }

    @Test
    void preflight_onGatheredFacts_refusesBeforeAnyHostIsChanged() {
        Inventory inv = Inventory.parse(PG17, "pg17");
        Plan plan = plan(inv);
        // Debian 12 nodes where the inventory says debian13: the gathered facts decide
        DryRunExecutor d12 = DryRunExecutor.builder().osVersion("12").installed("patroni", "4.0.7-1").build();
        ApplyResult r = plan.apply(d12, PlanListener.NONE);
        assertThat(r.failedHosts()).contains("10.213.0.21", "10.213.0.22");
        assertThat(r.steps()).anyMatch(s -> s.stepId().equals("preflight:os") && s.error().orElse("")
                .contains("node 10.213.0.21 runs Debian 12 (bookworm), which has PostgreSQL 15, not 17"));
        assertThat(d12.recorded()).noneMatch(x -> x.kind().equals("put"));
        // Debian 13 whose archive lacks one extension package
        DryRunExecutor noVector = DryRunExecutor.builder().osVersion("13").installed("patroni", "4.0.7-1")
                .unavailable("postgresql-17-pgvector").build();
        ApplyResult r2 = plan.apply(noVector, PlanListener.NONE);
        assertThat(r2.steps()).anyMatch(s -> s.stepId().equals("preflight:os") && s.error().orElse("")
                .contains("node 10.213.0.21 (Debian 13 (trixie), PostgreSQL 17) has no package postgresql-17-pgvector"));
        assertThat(noVector.recorded()).noneMatch(x -> x.kind().equals("put"));
        // and a Debian 13 that has everything passes the preflight
        DryRunExecutor d13 = DryRunExecutor.builder().osVersion("13").installed("patroni", "4.0.7-1").build();
        assertThat(plan.apply(d13, PlanListener.NONE).steps()).noneMatch(s -> s.stepId().equals("preflight:os")
                && s.status() == io.pigsty.api.plan.StepStatus.FAILED);
    }

    @Test
    void osPreflight_refusesAVersionTheOsDoesNotCarry_inOneLine() {
        HostFacts d12 = new HostFacts("debian", "12", 1, 1024, 20, Map.of(), Set.of(), false);
        assertThat(OsCheck.refusal("10.213.0.21", d12, 17)).hasValue(
                "node 10.213.0.21 runs Debian 12 (bookworm), which has PostgreSQL 15, not 17 (pg_version)");
        assertThat(OsCheck.refusal("10.213.0.21", d12, 15)).isEmpty();
        HostFacts d13 = new HostFacts("debian", "13", 1, 1024, 20, Map.of(), Set.of(), false);
        assertThat(OsCheck.refusal("10.213.0.22", d13, 17)).isEmpty();
        assertThat(OsCheck.refusal("10.213.0.23", new HostFacts("ubuntu", "24.04", 1, 1, 1, Map.of(), Set.of(), false), 17))
                .hasValueSatisfying(s -> assertThat(s).contains("ubuntu 24.04").contains("not a supported OS"));
    }
}
