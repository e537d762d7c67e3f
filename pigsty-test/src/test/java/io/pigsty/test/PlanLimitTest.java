package io.pigsty.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.plan.StepResult;
import io.pigsty.api.exec.Host;
import io.pigsty.model.Inventory;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Plan#limit}: Ansible's --limit, a narrower plan with the same steps for the kept hosts. */
class PlanLimitTest {
    private final Pigsty pigsty = Pigsty.builder().inventory(Inventory.sample("sandbox")).build();

    @Test
    void keepsOnlyTheChosenHosts_withTheirStepsUnchanged() {
        Plan full = pigsty.plan(Playbook.pgsqlCreate("pg-test"));
        Plan one = full.limit(h -> h.address().equals("10.213.0.12"));
        assertThat(one.hosts()).extracting(Host::address).containsExactly("10.213.0.12");
        long fullSteps = full.phases().stream().flatMap(p -> p.steps().entrySet().stream())
                .filter(e -> e.getKey().address().equals("10.213.0.12")).mapToLong(e -> e.getValue().size()).sum();
        assertThat(one.stepCount()).isEqualTo((int) fullSteps).isLessThan(full.stepCount());
        assertThat(one.phases()).allSatisfy(p -> assertThat(p.steps()).isNotEmpty());

        DryRunExecutor dry = DryRunExecutor.builder().installed("patroni", "4.0.7-3~deb13u1").model(one).build();
        ApplyResult r = one.apply(dry, PlanListener.NONE);
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.steps()).extracting(StepResult::host).containsOnly("10.213.0.12");
        // other hosts are only read, for the facts the plan was made from; nothing else runs there
        assertThat(dry.recorded()).filteredOn(x -> !x.host().equals("10.213.0.12"))
                .allSatisfy(x -> assertThat(x.detail()).contains("/proc/meminfo"));
        assertThat(dry.recorded()).filteredOn(x -> x.host().equals("10.213.0.12")).isNotEmpty();
    }

    @Test
    void aLimitOutsideThePlanLeavesNoStep() {
        Plan none = pigsty.plan(Playbook.etcd()).limit(h -> Set.of("10.213.0.12").contains(h.address()));
        assertThat(none.stepCount()).isZero();
        assertThat(none.phases()).isEmpty();
    }
}
