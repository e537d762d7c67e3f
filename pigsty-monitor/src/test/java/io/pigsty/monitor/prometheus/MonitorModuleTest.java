package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import org.junit.jupiter.api.Test;

class MonitorModuleTest {
    static final Pigsty PIGSTY = Pigsty.builder().inventory(Inventory.sample("sandbox")).build();

    @Test
    void pgsql_registersEveryMemberOnTheInfraNode() {
        Plan plan = PIGSTY.plan(Playbook.pgsqlCreate("pg-test"));
        String text = plan.render().toText();
        assertThat(plan.phases()).extracting(Phase::name).contains("monitor");
        for (String ins : new String[] {"pg-test-1", "pg-test-2", "pg-test-3"}) {
            assertThat(text).contains("file:/etc/prometheus/targets/pgsql/" + ins + ".yml")
                    .contains("file:/etc/prometheus/targets/patroni/" + ins + ".yml");
        }
        assertThat(text).contains("10.213.0.11:9630").contains("ins: pg-test-1");
        Phase monitor = plan.phases().stream().filter(ph -> ph.name().equals("monitor")).findFirst().orElseThrow();
        assertThat(monitor.steps().keySet()).extracting(io.pigsty.api.exec.Host::address).containsExactly("10.213.0.10");
        assertThat(monitor.steps().values().iterator().next()).hasSize(5 + 3 * 5); // a directory per job, a file per member per job
    }

    @Test
    void scaleIn_deregistersOnlyThatMember() {
        String text = PIGSTY.plan(Playbook.pgsqlRemoveInstance("pg-test", "pg-test-3")).render().toText();
        assertThat(text).contains("target-rm:/etc/prometheus/targets/pgsql/pg-test-3.yml")
                .doesNotContain("targets/pgsql/pg-test-1.yml").doesNotContain("targets/pgsql/pg-test-2.yml");
    }
}
