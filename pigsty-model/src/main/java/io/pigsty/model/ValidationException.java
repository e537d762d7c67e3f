package io.pigsty.model;

import java.util.List;
import java.util.stream.Collectors;

/** An inventory has errors; the message lists every one, one per line, with its path. */
public class ValidationException extends PigstyException {
    private static final long serialVersionUID = 1L;
    private final transient List<Violation> violations;

    /** @param violations every error found (at least one) */
    public ValidationException(List<Violation> violations) {
        super("invalid inventory (" + violations.size() + " problem" + (violations.size() == 1 ? "" : "s") + "):\n"
                + violations.stream().map(v -> "  " + v).collect(Collectors.joining("\n")));
        this.violations = List.copyOf(violations);
    }

    /** @return the errors */
    public List<Violation> violations() {
        return violations;
    }
}
