package io.pigsty.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.api.step.Steps;
import io.pigsty.api.facts.Facts;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The strict dry run: what it models, and that anything else fails with the command named. */
class DryRunExecutorTest {
    private static final Host H = Host.of("10.213.0.11");

    private static Plan plan(io.pigsty.api.step.Step... steps) {
        return Plan.of("test", facts -> {
            PlanBuilder pb = new PlanBuilder();
            for (io.pigsty.api.step.Step s : steps) {
                pb.add("node", H, s);
            }
            return pb.build();
        }, Facts.empty(), Set.of("Very.Secret.1"), 2);
    }

    @Test
    void unansweredCommand_failsTheStep_namingTheMaskedCommand() {
        Command secretive = Command.shell("configure --token Very.Secret.1").secret("Very.Secret.1").build();
        Plan plan = plan(Steps.command("custom", "custom", secretive, Command.of("true")));
        ApplyResult r = plan.apply(DryRunExecutor.builder().build(), PlanListener.NONE);
        assertThat(r.steps()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(StepStatus.FAILED);
            assertThat(s.error()).get().asString().contains("no scripted answer and no model")
                    .contains("configure --token ******").doesNotContain("Very.Secret.1");
        });
        assertThatThrownBy(() -> DryRunExecutor.builder().build().run(H, Command.of("rm", "-rf", "/")))
                .isInstanceOf(ExecException.class).hasMessageContaining("rm -rf /");
    }

    @Test
    void builtInSteps_andModelledCommands_converge_andASecondApplyChangesNothing() {
        Plan plan = plan(Steps.directory("/pg/data", "0700", "postgres", "postgres"),
                Steps.packages(List.of("patroni", "haproxy")),
                Steps.service("patroni", true, true),
                Steps.command("node:marker", "a marker", Command.shell("test -e /etc/marker").build(),
                        Command.shell("touch /etc/marker").build()),
                Steps.waitFor("patroni:up", "patroni answers", Command.shell("curl -sf -m 2 http://10.213.0.11:8008/health")
                        .build(), Duration.ofMinutes(5), Duration.ofSeconds(1)));
        DryRunExecutor dry = DryRunExecutor.builder().model(plan).build();
        assertThat(plan.check(dry).changes()).extracting(e -> e.stepId())
                .containsExactly("dir:/pg/data", "packages", "service:patroni", "node:marker", "patroni:up");
        long t0 = System.nanoTime();
        PlanAssert.assertThat(plan.apply(dry, PlanListener.NONE)).hasNoFailures().changed(4);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("waits probe once in a simulation")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(dry.runningServices("10.213.0.11")).containsExactly("patroni");
        PlanAssert.assertThat(plan.apply(dry, PlanListener.NONE)).hasNoFailures().changed(0);
        assertThat(plan.check(dry).converged()).isTrue();
    }

    @Test
    void aWaitTheModelNeverSatisfies_failsAtOnce() {
        Plan plan = plan(Steps.waitFor("etcd:up", "etcd healthy", Command.shell("curl -sf -m 2 http://127.0.0.1:2379/health")
                .build(), Duration.ofMinutes(5), Duration.ofSeconds(1)));
        long t0 = System.nanoTime();
        ApplyResult r = plan.apply(DryRunExecutor.builder().model(plan).build(), PlanListener.NONE);
        assertThat(r.steps().get(0).error()).get().asString().contains("never satisfies the wait for: etcd healthy");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
}
