package io.pigsty.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** PgBouncer pool mode. */
public enum PoolMode {
    /** Server connection held for the whole client session. */
    SESSION,
    /** Server connection held for one transaction (Pigsty's default). */
    TRANSACTION,
    /** Server connection held for one statement. */
    STATEMENT;

    /** @return the inventory and pgbouncer.ini word */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value inventory word
     * @return the mode, empty when unknown
     */
    public static Optional<PoolMode> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst();
    }
}
