package io.pigsty.api.preflight;

import java.util.Objects;

/**
 * One thing a host lacks before a plan may change it.
 *
 * @param host     host address
 * @param check    which check: {@code os}, {@code systemd}, {@code privilege}, {@code package},
 *                 {@code interface}, {@code address}, {@code vip}, {@code port}, {@code disk},
 *                 {@code memory}, {@code data-dir}, {@code postgres}, {@code clock}, {@code hostname}
 * @param expected what the plan needs
 * @param found    what is there
 */
public record PreflightProblem(String host, String check, String expected, String found) {
    /** Canonical constructor: no nulls. */
    public PreflightProblem {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(found, "found");
    }

    /** @return one line: host, check, expected and found */
    public String line() {
        return host + ": " + check + ": expected " + expected + ", found " + found;
    }
}
