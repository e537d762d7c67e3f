package io.pigsty.api.plan;

import io.pigsty.api.exec.Host;
import io.pigsty.api.step.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One phase of a plan: per host, an ordered list of steps. Hosts of a phase run in parallel;
 * the next phase starts when every host finished this one.
 *
 * @param name  phase name ({@code node}, {@code etcd}, {@code pg-primary}, ...)
 * @param steps per host, in host order
 */
public record Phase(String name, Map<Host, List<Step>> steps) {
    /** Canonical constructor: copies, keeping host order. */
    public Phase {
        Objects.requireNonNull(name, "name");
        Map<Host, List<Step>> copy = new LinkedHashMap<>();
        steps.forEach((h, s) -> copy.put(h, List.copyOf(s)));
        steps = java.util.Collections.unmodifiableMap(copy);
    }
}
