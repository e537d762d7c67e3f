package io.pigsty.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password or other credential. Its {@link #toString()} never reveals the value, so a secret
 * can travel through logs, error messages, rendered plans and validation reports safely; only
 * {@link #reveal()} gives the value, for the few places that must write it (the inventory file
 * itself, 0600 configuration files, a login).
 */
public final class Secret {
    private static final String MASK = "******";
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * @param value the secret text (may be empty)
     * @return the secret
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "secret value"));
    }

    /** @return the secret text; call only where it must be written or sent */
    public String reveal() {
        return value;
    }

    /** @return true for the empty secret */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** @return always {@code ******} */
    @Override
    public String toString() {
        return MASK;
    }
}
