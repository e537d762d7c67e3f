package io.pigsty.model.internal;

import io.pigsty.model.Severity;
import io.pigsty.model.Violation;
import java.util.List;

/** Where the rule classes put what they find: the validator's one list. */
final class Findings {
    private final List<Violation> out;

    Findings(List<Violation> out) {
        this.out = out;
    }

    void error(String path, String reason) {
        out.add(new Violation(path, reason, Severity.ERROR));
    }

    void warn(String path, String reason) {
        out.add(new Violation(path, reason, Severity.WARNING));
    }
}
