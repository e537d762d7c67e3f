package io.pigsty.monitor;

import java.util.List;

/** A collector configuration that cannot be used; lists every problem found, one per line. */
public final class ConfigException extends io.pigsty.model.PigstyException {
    /** Version of the serialized form. */
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    /** @param problems every problem, each naming file, collector and field */
    public ConfigException(List<String> problems) {
        super("invalid collector config (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return the problems, one line each */
    public List<String> problems() {
        return problems;
    }
}
