package io.pigsty.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Desired state of a user or database ({@code state}). */
public enum ObjectState {
    /** Create or alter to match (default). */
    CREATE,
    /** Drop. */
    ABSENT,
    /** Drop and create again (databases only). */
    RECREATE;

    /** @return the inventory word */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value inventory word
     * @return the state, empty when unknown
     */
    public static Optional<ObjectState> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst();
    }
}
