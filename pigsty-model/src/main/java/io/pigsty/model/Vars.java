package io.pigsty.model;

import io.pigsty.model.internal.ConversionException;
import io.pigsty.model.internal.Frozen;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The vars of one inventory level (global, group, host): Pigsty's flat key/value map. Known keys
 * are read typed through {@link Param}s; unknown keys are kept as they were read and written back,
 * so a vendor's own keys survive a round trip. Immutable.
 *
 * <p>Values are stored as given: raw (as parsed from YAML) or typed (as set by a builder); raw
 * maps and lists are copied deeply and unmodifiable, so nothing read from {@link #raw(String)},
 * {@link #asMap()} or {@link Resolved#raw(String)} can change an inventory. A raw
 * value of a known key is converted when read; {@link Inventory#validate()} reports every value
 * that cannot be converted, with its path.
 */
public final class Vars {
    private static final Vars EMPTY = new Vars(Map.of());
    private final Map<String, Object> values;

    private Vars(Map<String, Object> values) {
        this.values = values;
    }

    /** @return vars with no key */
    public static Vars empty() {
        return EMPTY;
    }

    /** @return a builder of vars */
    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /** @return a builder pre-filled with these vars */
    public Builder toBuilder() {
        return new Builder(new LinkedHashMap<>(values));
    }

    /**
     * @param p   a known parameter
     * @param <T> its type
     * @return the typed value set at this level, empty when not set here
     * @throws PigstyException when the stored value does not have the parameter's type
     *                         (validation reports those first)
     */
    public <T> Optional<T> get(Param<T> p) {
        Object raw = values.get(p.name());
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(p.decode(raw));
        } catch (ConversionException e) {
            throw new PigstyException(p.name() + e.subPath() + ": " + e.getMessage());
        }
    }

    /**
     * @param key any key
     * @return the value set here, raw or typed as stored
     */
    public Optional<Object> raw(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** @return true when the key is set at this level */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** @return every key set here, in insertion order */
    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** @return every key/value set here, in insertion order (values raw or typed as stored) */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** @return keys that are not known parameters, with their raw values */
    public Map<String, Object> passthrough() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (Params.byName(k).isEmpty()) {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** @return true when nothing is set */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * @param p     parameter
     * @param value typed value
     * @param <T>   its type
     * @return a copy with the value set
     */
    public <T> Vars with(Param<T> p, T value) {
        return toBuilder().set(p, value).build();
    }

    /**
     * @param key   any key
     * @param value raw value (plain YAML types) or a typed value of the key's parameter
     * @return a copy with the value set
     */
    public Vars withRaw(String key, Object value) {
        return toBuilder().var(key, value).build();
    }

    /**
     * @param key a key
     * @return a copy without it
     */
    public Vars without(String key) {
        Builder b = toBuilder();
        b.values.remove(key);
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vars v && normalized().equals(v.normalized());
    }

    @Override
    public int hashCode() {
        return normalized().hashCode();
    }

    // typed and raw forms of the same value compare equal: compare the encoded (raw) form
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Map<String, Object> normalized() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            Optional<Param<?>> p = Params.byName(k);
            Object n = v;
            if (p.isPresent()) {
                try {
                    Param param = p.get();
                    n = param.encode(param.decode(v));
                } catch (ConversionException e) {
                    n = v;
                }
            }
            out.put(k, normalizeNumbers(n));
        });
        return out;
    }

    private static Object normalizeNumbers(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, normalizeNumbers(x)));
            return out;
        }
        if (v instanceof java.util.List<?> l) {
            return l.stream().map(Vars::normalizeNumbers).toList();
        }
        return v;
    }

    /** @return keys and values, secrets masked */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            boolean secret = Params.byName(k).map(Param::secret).orElse(false) || k.contains("password");
            sb.append(k).append('=').append(secret ? "******" : v);
        });
        return sb.append('}').toString();
    }

    /** Builder of {@link Vars}. */
    public static final class Builder {
        private final LinkedHashMap<String, Object> values;

        private Builder(LinkedHashMap<String, Object> values) {
            this.values = values;
        }

        /**
         * @param p     parameter
         * @param value typed value
         * @param <T>   its type
         * @return this
         */
        public <T> Builder set(Param<T> p, T value) {
            values.put(p.name(), Frozen.deep(Objects.requireNonNull(value, p.name())));
            return this;
        }

        /**
         * @param key   any key
         * @param value raw or typed value
         * @return this
         */
        public Builder var(String key, Object value) {
            // deep copy: a map or list read back through raw() must not be able to change these vars
            values.put(Objects.requireNonNull(key, "key"), Frozen.deep(Objects.requireNonNull(value, key)));
            return this;
        }

        /**
         * @param all keys and values to add
         * @return this
         */
        public Builder putAll(Map<String, ?> all) {
            all.forEach(this::var);
            return this;
        }

        /**
         * @param key key to remove
         * @return this
         */
        public Builder remove(String key) {
            values.remove(key);
            return this;
        }

        /** @return the vars */
        public Vars build() {
            return values.isEmpty() ? EMPTY : new Vars(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
        }
    }
}
