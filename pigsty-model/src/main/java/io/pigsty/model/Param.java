package io.pigsty.model;

import io.pigsty.model.internal.Codec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One known inventory key with its type, default and scope: the typed home of a Pigsty
 * parameter. Pigsty's own are constants of {@link Params}; a module declares its own keys with
 * {@link #define(String, Type, Object, Scope, String)}, so it reads them typed, the validator
 * type-checks them at their path, and no module reads raw keys.
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

    /**
     * Declares a module's own inventory key (once, typically as a {@code static final} constant).
     *
     * @param name         the inventory key, such as {@code vendor_backup_window}
     * @param type         its type ({@link Type#STRING}, {@link Type#SECONDS}, ...)
     * @param defaultValue the default, or null for a key without one
     * @param scope        lowest level the key is meaningful at
     * @param description  one line saying what it is
     * @param <T>          the typed value
     * @return the parameter, registered so that {@link Params#byName(String)} finds it
     * @throws InvalidValueException when the name is not a plain key or is already declared
     */
    public static <T> Param<T> define(String name, Type<T> type, T defaultValue, Scope scope, String description) {
        Objects.requireNonNull(type, "type");
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new InvalidValueException("name", name, "a parameter name must match [a-z][a-z0-9_]*");
        }
        return Params.register(new Param<>(name, type.codec, defaultValue, scope, description, type.codec == Codec.SECRET));
    }

    /**
     * The value types a module's own parameter may have.
     *
     * @param <T> the Java type
     */
    public static final class Type<T> {
        /** A string. */
        public static final Type<String> STRING = new Type<>(Codec.STRING);
        /** An integer. */
        public static final Type<Integer> INT = new Type<>(Codec.INT);
        /** A long integer (bytes, ...). */
        public static final Type<Long> LONG = new Type<>(Codec.LONG);
        /** true or false. */
        public static final Type<Boolean> BOOL = new Type<>(Codec.BOOL);
        /** A credential: never printed. */
        public static final Type<Secret> SECRET = new Type<>(Codec.SECRET);
        /** A list of strings. */
        public static final Type<List<String>> STRING_LIST = new Type<>(Codec.STRING_LIST);
        /** A map of strings. */
        public static final Type<Map<String, String>> STRING_MAP = new Type<>(Codec.STRING_MAP);
        /** Whole seconds, as Pigsty writes durations ({@code 30}), read as a {@link Duration}. */
        public static final Type<Duration> SECONDS = new Type<>(Codec.simple("a number of seconds (>= 0)", raw -> {
            if (raw instanceof Duration d) {
                return d;
            }
            if (raw instanceof Number n && n.longValue() >= 0 && n.doubleValue() == n.longValue()) {
                return Duration.ofSeconds(n.longValue());
            }
            return null;
        }, d -> d.toSeconds()));

        private final Codec<T> codec;

        private Type(Codec<T> codec) {
            this.codec = codec;
        }
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
     * Converts a raw inventory value (as read from YAML) to this parameter's type.
     *
     * @param raw the raw value
     * @return the typed value
     * @throws RuntimeException when the raw value does not fit (an internal conversion error naming the
     *         sub-path and what is expected; {@link Inventory#validate()} reports it at its path)
     */
    public T decode(Object raw) {
        return codec.decode(raw);
    }

    /**
     * Converts a typed value back to its raw inventory form (what YAML would hold).
     *
     * @param value the typed value
     * @return the raw value
     */
    public Object encode(T value) {
        return codec.encode(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
