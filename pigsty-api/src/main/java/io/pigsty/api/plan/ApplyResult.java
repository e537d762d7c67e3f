package io.pigsty.api.plan;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What an apply did, per host and step.
 *
 * @param playbook playbook name
 * @param steps    every step result, in execution order per host
 * @param duration wall time of the whole apply
 * @param notes    remarks such as facts that differ from the offline ones
 */
public record ApplyResult(String playbook, List<StepResult> steps, Duration duration, List<String> notes) {
    /** Canonical constructor: copies. */
    public ApplyResult {
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
    }

    /** @return number of steps that changed something */
    public long changedCount() {
        return count(StepStatus.CHANGED);
    }

    /** @return number of failed steps */
    public long failedCount() {
        return count(StepStatus.FAILED);
    }

    /** @return number of skipped steps */
    public long skippedCount() {
        return count(StepStatus.SKIPPED);
    }

    /** @return true when no step failed */
    public boolean ok() {
        return failedCount() == 0;
    }

    /** @return hosts with a failed step */
    public List<String> failedHosts() {
        return steps.stream().filter(s -> s.status() == StepStatus.FAILED).map(StepResult::host).distinct()
                .collect(Collectors.toUnmodifiableList());
    }

    /** @return the ids of changed steps as {@code host step} lines */
    public List<String> changedSteps() {
        return steps.stream().filter(s -> s.status() == StepStatus.CHANGED).map(s -> s.host() + " " + s.stepId())
                .collect(Collectors.toUnmodifiableList());
    }

    private long count(StepStatus st) {
        return steps.stream().filter(s -> s.status() == st).count();
    }

    /** @return a one-line summary */
    public String summary() {
        return playbook + ": " + steps.size() + " steps, " + changedCount() + " changed, " + failedCount() + " failed, "
                + skippedCount() + " skipped in " + duration.toMillis() + " ms";
    }
}
