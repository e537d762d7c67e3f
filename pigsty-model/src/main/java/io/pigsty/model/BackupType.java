package io.pigsty.model;

import java.util.Locale;
import java.util.Optional;

/** pgBackRest backup types. */
public enum BackupType {
    /** Everything. */
    FULL,
    /** Changes since the last full backup. */
    DIFF,
    /** Changes since the last backup of any type. */
    INCR;

    /** @return the word pgBackRest uses ({@code --type=full}) */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param s {@code full}, {@code diff} or {@code incr}
     * @return the type, empty when unknown
     */
    public static Optional<BackupType> parse(String s) {
        for (BackupType t : values()) {
            if (t.value().equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
