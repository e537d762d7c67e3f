package io.pigsty.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything validation found, errors and warnings, in a stable order.
 *
 * @param violations all findings
 */
public record ValidationResult(List<Violation> violations) {
    /** Canonical constructor: copies the list. */
    public ValidationResult {
        violations = List.copyOf(violations);
    }

    /** @return findings of severity ERROR */
    public List<Violation> errors() {
        return violations.stream().filter(v -> v.severity() == Severity.ERROR).collect(Collectors.toUnmodifiableList());
    }

    /** @return findings of severity WARNING */
    public List<Violation> warnings() {
        return violations.stream().filter(v -> v.severity() == Severity.WARNING).collect(Collectors.toUnmodifiableList());
    }

    /** @return true when there is no error (warnings allowed) */
    public boolean isValid() {
        return errors().isEmpty();
    }

    /**
     * @return this result when valid
     * @throws ValidationException listing every error
     */
    public ValidationResult orThrow() {
        List<Violation> errors = errors();
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return this;
    }
}
