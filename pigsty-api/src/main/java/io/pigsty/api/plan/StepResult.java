package io.pigsty.api.plan;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One step's result on one host.
 *
 * @param phase    phase name
 * @param host     host address
 * @param stepId   step id
 * @param status   ok / changed / failed / skipped
 * @param duration wall time
 * @param error    the failure message (secrets masked), when failed
 */
public record StepResult(String phase, String host, String stepId, StepStatus status, Duration duration,
                         Optional<String> error) {
    /** Canonical constructor: rejects nulls. */
    public StepResult {
        Objects.requireNonNull(phase);
        Objects.requireNonNull(host);
        Objects.requireNonNull(stepId);
        Objects.requireNonNull(status);
        Objects.requireNonNull(duration);
        Objects.requireNonNull(error);
    }
}
