package io.pigsty.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.StepResult;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.model.Inventory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The apply display: the status line, the summary table, the failure report and the failed apply's JSON. */
class ProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StepResult step(String host, String id, StepStatus st, long ms, String error) {
        return new StepResult("pg-primary", host, id, st, Duration.ofMillis(ms), Optional.ofNullable(error));
    }

    // the message an ExecException carries into a failed StepResult
    private static final String FAILED = new ExecException(Host.of("10.213.0.11"),
            "env PIGSTY_RUN=0123456789abcdef sh -c '[ -f /x ] && systemctl start patroni'", 1,
            "line 1\nline 2\nJob for patroni.service failed", "command failed", null).getMessage();

    private static final List<StepResult> STEPS = List.of(
            step("10.213.0.11", "packages", StepStatus.OK, 1200, null),
            step("10.213.0.11", "patroni:primary", StepStatus.FAILED, 3400, FAILED),
            step("10.213.0.11", "pgbouncer", StepStatus.SKIPPED, 0, null),
            step("10.213.0.11", "haproxy", StepStatus.SKIPPED, 0, null),
            step("10.213.0.12", "packages", StepStatus.CHANGED, 800, null));

    @Test
    void summaryTable_countsPerHost() {
        String t = Progress.summaryTable(STEPS);
        assertThat(t.lines().toList()).containsExactly(
                "HOST         OK  CHANGED  FAILED  SKIPPED  TIME",
                "10.213.0.11  1   0        1       2        4.6 s",
                "10.213.0.12  0   1        0       0        0.8 s");
    }

    @Test
    void failures_nameStepHostCommandStderrTail_andWhatWasLeftUndone() {
        String f = Progress.failures(STEPS);
        assertThat(f).contains("FAILED patroni:primary on 10.213.0.11 [pg-primary]")
                .contains("  command: sh -c '[ -f /x ] && systemctl start patroni'\n")
                .contains("stderr (tail):").contains("    Job for patroni.service failed")
                .contains("left undone: 2 step(s)").contains("10.213.0.11: 2 (from pgbouncer)");
        assertThat(Progress.failures(List.of(STEPS.get(0)))).isEmpty();
    }

    @Test
    void failedApplyJson_followsTheSchema() throws Exception {
        JsonNode d = JSON.valueToTree(Progress.json("pgsql pg-test", STEPS, Duration.ofSeconds(5), List.of("a note"), 162,
                Map.of(), false));
        assertThat(new SchemaCheck(JSON.readTree(ToolCommands.Schema.text())).errors(d)).isEmpty();
        assertThat(d.get("ok").asBoolean()).isFalse();
        assertThat(d.get("steps").get(1).get("error").asText()).contains("systemctl start patroni");
        JsonNode stopped = JSON.valueToTree(Progress.json("x", STEPS.subList(0, 1), Duration.ZERO, List.of(), 162,
                Map.of("10.213.0.12", "patroni:replica"), true));
        assertThat(stopped.get("interrupted").asBoolean()).isTrue();
        assertThat(stopped.get("stopped").get(0).get("step").asText()).isEqualTo("patroni:replica");
    }

    @Test
    void statusLine_namesPlanPhaseCountBusyHostsAndTime_andTerminalOutputRedrawsInPlace() {
        Plan plan = Pigsty.builder().inventory(Inventory.sample("sandbox")).build().plan(Playbook.pgsqlCreate("pg-test"));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(b, true, StandardCharsets.UTF_8), true, plan);
        p.planStarted(plan.playbook(), plan.stepCount());
        p.stepStarted("pg-replica", "10.213.0.12", "patroni:replica");
        p.stepStarted("pg-replica", "10.213.0.13", "patroni:replica");
        assertThat(p.statusLine()).matches("pgsql pg-test  \\[pg-replica\\] 0/" + plan.stepCount()
                + " steps  2 hosts busy  00:0\\d  10\\.213\\.0\\.12 patroni:replica, 10\\.213\\.0\\.13 patroni:replica");
        p.stepFinished(new StepResult("pg-replica", "10.213.0.12", "patroni:replica", StepStatus.OK, Duration.ZERO,
                Optional.empty()));
        assertThat(p.statusLine()).contains(" 1/" + plan.stepCount() + " steps  1 host busy");
        p.stop();
        String out = b.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("[pg-replica] 10.213.0.12 10.213.0.13\n").contains("\r\033[K");
        assertThat(out).doesNotContain("  OK       10.213.0.12"); // converged steps only move the count on a terminal
        assertThat(out).endsWith("\r\033[K"); // the line is cleared for the summary
    }
}
