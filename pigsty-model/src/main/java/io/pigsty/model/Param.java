package io.pigsty.model;

import io.pigsty.model.internal.Codec;
import java.util.Objects;
import java.util.Optional;

/**
 * One known inventory key with its type, default and scope: the typed home of a Pigsty
 * parameter. All of them are constants of {@link Params}.
 *
 * @param <T> the typed value
 */
public final class Param<T> {
    private final String name;
    private final Codec<T> codec;
    private final T defaultValue;
    private final Scope scope;
    private final String description;
    private final boolean secret;

    Param(String name, Codec<T> codec, T defaultValue, Scope scope, String description, boolean secret) {
        this.name = Objects.requireNonNull(name);
        this.codec = Objects.requireNonNull(codec);
        this.defaultValue = defaultValue;
        this.scope = Objects.requireNonNull(scope);
        this.description = Objects.requireNonNull(description);
        this.secret = secret;
    }

    /** @return the inventory key, e.g. {@code pg_port} */
    public String name() {
        return name;
    }

    /**
     * @return Pigsty's default; empty for identity parameters that have none (and for defaults
     *         computed from other parameters, which {@link Resolved} supplies)
     */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** @return lowest level the key is meaningful at */
    public Scope scope() {
        return scope;
    }

    /** @return one line saying what it is */
    public String description() {
        return description;
    }

    /** @return true when the value is a credential */
    public boolean secret() {
        return secret;
    }

    /** @return what a value must look like, for messages */
    public String expected() {
        return codec.expected();
    }

    /**
     * @return the converter between raw inventory values and typed ones (internal use)
     */
    public Codec<T> codec() {
        return codec;
    }

    @Override
    public String toString() {
        return name;
    }
}
