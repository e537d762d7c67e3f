package io.pigsty.api.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A read-only check of a plan against the hosts.
 *
 * @param playbook playbook name
 * @param entries  per host and step: ok, or the change it would make
 * @param notes    remarks such as facts that differ from the offline ones
 */
public record CheckReport(String playbook, List<Entry> entries, List<String> notes) {
    /** Canonical constructor: copies. */
    public CheckReport {
        entries = List.copyOf(entries);
        notes = List.copyOf(notes);
    }

    /**
     * One step's check.
     *
     * @param phase  phase
     * @param host   host address
     * @param stepId step id
     * @param change empty when converged; else the human diff
     */
    public record Entry(String phase, String host, String stepId, java.util.Optional<String> change) {
    }

    /** @return entries that would change something */
    public List<Entry> changes() {
        return entries.stream().filter(e -> e.change().isPresent()).collect(Collectors.toUnmodifiableList());
    }

    /** @return true when everything is converged */
    public boolean converged() {
        return changes().isEmpty();
    }

    /** @return the changes as text */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : changes()) {
            sb.append("[").append(e.phase()).append("] ").append(e.host()).append(" ").append(e.stepId()).append('\n');
            sb.append(e.change().orElseThrow().indent(4));
        }
        notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
        return sb.toString();
    }
}
