package io.pigsty.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** An instance's {@code pg_role}. */
public enum Role {
    /** The read-write member; exactly one per cluster (the standby leader in a standby cluster). */
    PRIMARY,
    /** An online read-only member serving the replica service. */
    REPLICA,
    /** A member for ETL and analytics, excluded from the replica service. */
    OFFLINE,
    /** The leader of a standby cluster (follows {@code pg_upstream}). */
    STANDBY,
    /** A delayed standby leader ({@code pg_delay}). */
    DELAYED;

    /** @return the inventory word, e.g. {@code primary} */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value an inventory word
     * @return the role, empty when the word is unknown
     */
    public static Optional<Role> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.value().equals(value)).findFirst();
    }

    /**
     * @param value an inventory word
     * @return the role
     * @throws InvalidValueException naming the allowed words
     */
    public static Role of(String value) {
        return parse(value).orElseThrow(() -> new InvalidValueException("pg_role", value,
                "unknown role (expected primary, replica, offline, standby, delayed)"));
    }
}
