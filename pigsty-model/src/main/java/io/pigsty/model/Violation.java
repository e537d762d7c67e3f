package io.pigsty.model;

import java.util.Objects;

/**
 * One validation finding.
 *
 * @param path     where, in Pigsty's inventory layout ({@code all.children.pg-test.hosts.10.10.10.12.pg_seq})
 * @param reason   why, in plain words; never contains a secret value
 * @param severity error or warning
 */
public record Violation(String path, String reason, Severity severity) {
    /** Canonical constructor: no part may be null. */
    public Violation {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(severity, "severity");
    }

    /** @return {@code path: reason} */
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
