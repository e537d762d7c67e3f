package io.pigsty.ha.ops;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one day-2 operation did: the cluster before and after, how long it took to reach its end
 * state, and what was observed on the way (each line prefixed by its offset in milliseconds).
 *
 * @param operation    operation and arguments, e.g. {@code switchover pg-test -> pg-test-2}
 * @param before       status when the operation started
 * @param after        status when its end state was reached
 * @param elapsed      time from the request to the end state
 * @param observations what was seen while waiting, in order
 */
public record OperationResult(String operation, ClusterStatus before, ClusterStatus after, Duration elapsed,
                              List<String> observations) {
    /** Canonical constructor: rejects nulls, copies observations. */
    public OperationResult {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(elapsed, "elapsed");
        observations = List.copyOf(observations);
    }

    /** @return a short report: the operation, its duration, and the status table after it */
    public String summary() {
        return operation + " done in " + elapsed.toMillis() + " ms\n" + after.toTable();
    }
}
