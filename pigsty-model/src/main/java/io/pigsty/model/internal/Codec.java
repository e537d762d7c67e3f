package io.pigsty.model.internal;

import io.pigsty.model.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Converts between the raw form of an inventory value (what YAML gives: String, Number, Boolean,
 * List, Map) and its typed form, in both directions. Decoding accepts a value that already has
 * the typed form, so fluent builders and parsed files share one storage.
 *
 * @param <T> the typed form
 */
public interface Codec<T> {
    /**
     * @param raw raw or typed value, never null
     * @return the typed value
     * @throws ConversionException naming what is wrong
     */
    T decode(Object raw);

    /**
     * @param value typed value
     * @return its raw form, as written to YAML
     */
    Object encode(T value);

    /** @return a short word for messages: "an integer", "a list of users" */
    String expected();

    /** Strings; numbers and booleans are not silently accepted. */
    Codec<String> STRING = simple("a string", raw -> raw instanceof String s ? s : null, v -> v);

    /** Whole numbers within int range. */
    Codec<Integer> INT = simple("an integer", raw -> {
        if (raw instanceof Integer i) {
            return i;
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.longValue() >= Integer.MIN_VALUE && n.longValue() <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        return null;
    }, v -> v);

    /** Whole numbers within long range. */
    Codec<Long> LONG = simple("an integer", raw -> {
        if (raw instanceof Long l) {
            return l;
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        return null;
    }, v -> v);

    /**
     * true/false. The YAML 1.1 words Ansible reads as booleans ({@code yes no on off y n}, any case)
     * are read as the inventory reader keeps them, as strings, and accepted here as Pigsty means them.
     */
    Codec<Boolean> BOOL = simple("true or false", raw -> {
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on", "y" -> Boolean.TRUE;
                case "false", "no", "off", "n" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }, v -> v);

    /**
     * Pigsty's {@code pg_max_conn}: {@code auto} (kept as 0, the template's formula decides) or a
     * whole number.
     */
    Codec<Integer> AUTO_INT = simple("auto or an integer", raw -> {
        if (raw instanceof String s && s.strip().equalsIgnoreCase("auto")) {
            return 0;
        }
        if (raw instanceof String s && s.strip().matches("\\d{1,9}")) {
            return Integer.parseInt(s.strip());
        }
        return raw instanceof Number ? INT.decode(raw) : null;
    }, v -> v == 0 ? "auto" : v);

    /** A password: a string (or number, as YAML may read {@code 123456}). */
    Codec<Secret> SECRET = simple("a string (password)", raw -> {
        if (raw instanceof Secret s) {
            return s;
        }
        if (raw instanceof String s) {
            return Secret.of(s);
        }
        if (raw instanceof Number n) {
            return Secret.of(n.toString());
        }
        return null;
    }, Secret::reveal);

    /** Any raw value, kept as is. */
    Codec<Object> ANY = simple("any value", raw -> raw, v -> v);

    /** A list of strings; a single string is read as a one-element list (Pigsty accepts both). */
    Codec<List<String>> STRING_LIST = new Codec<>() {
        @Override
        public List<String> decode(Object raw) {
            if (raw instanceof String s) {
                return List.of(s);
            }
            if (!(raw instanceof List<?> l)) {
                throw new ConversionException("", "expected a list of strings, got " + describe(raw));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                Object e = l.get(i);
                if (e instanceof String s) {
                    out.add(s);
                } else if (e instanceof Number || e instanceof Boolean) {
                    out.add(String.valueOf(e));
                } else {
                    throw new ConversionException("[" + i + "]", "expected a string, got " + describe(e));
                }
            }
            return List.copyOf(out);
        }

        @Override
        public Object encode(List<String> value) {
            return new ArrayList<>(value);
        }

        @Override
        public String expected() {
            return "a list of strings";
        }
    };

    /** A map of string keys to scalar values, rendered as strings. */
    Codec<Map<String, String>> STRING_MAP = new Codec<>() {
        @Override
        public Map<String, String> decode(Object raw) {
            if (!(raw instanceof Map<?, ?> m)) {
                throw new ConversionException("", "expected a map, got " + describe(raw));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Map || v instanceof List || v == null) {
                    throw new ConversionException("." + e.getKey(), "expected a scalar, got " + describe(v));
                }
                out.put(String.valueOf(e.getKey()), String.valueOf(v));
            }
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        public Object encode(Map<String, String> value) {
            return new LinkedHashMap<>(value);
        }

        @Override
        public String expected() {
            return "a map";
        }
    };

    /**
     * @param expected message word
     * @param decoder  returns null when the raw value does not fit
     * @param encoder  typed to raw
     * @param <T>      typed form
     * @return a codec
     */
    static <T> Codec<T> simple(String expected, Function<Object, T> decoder, Function<T, Object> encoder) {
        return new Codec<>() {
            @Override
            public T decode(Object raw) {
                T v = raw == null ? null : decoder.apply(raw);
                if (v == null) {
                    throw new ConversionException("", "expected " + expected + ", got " + describe(raw));
                }
                return v;
            }

            @Override
            public Object encode(T value) {
                return encoder.apply(value);
            }

            @Override
            public String expected() {
                return expected;
            }
        };
    }

    /**
     * A codec for values parsed from one string word.
     *
     * @param expected message word, listing allowed words
     * @param type     typed class (a typed value passes through)
     * @param parser   word to value, empty when unknown
     * @param writer   value to word
     * @param <T>      typed form
     * @return the codec
     */
    static <T> Codec<T> word(String expected, Class<T> type, Function<String, Optional<T>> parser,
                             Function<T, Object> writer) {
        return simple(expected, raw -> {
            if (type.isInstance(raw)) {
                return type.cast(raw);
            }
            return raw instanceof String s ? parser.apply(s).orElse(null) : null;
        }, writer);
    }

    /**
     * @param element codec of one element
     * @param <T>     element type
     * @return a codec for a list of them, reporting the failing index
     */
    static <T> Codec<List<T>> listOf(Codec<T> element) {
        return new Codec<>() {
            @Override
            public List<T> decode(Object raw) {
                if (!(raw instanceof List<?> l)) {
                    throw new ConversionException("", "expected a list, got " + describe(raw));
                }
                List<T> out = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) {
                    try {
                        Object e = l.get(i);
                        if (e == null) {
                            throw new ConversionException("", "expected " + element.expected() + ", got nothing");
                        }
                        out.add(element.decode(e));
                    } catch (ConversionException e) {
                        throw e.under("[" + i + "]");
                    }
                }
                return List.copyOf(out);
            }

            @Override
            public Object encode(List<T> value) {
                List<Object> out = new ArrayList<>();
                value.forEach(v -> out.add(element.encode(v)));
                return out;
            }

            @Override
            public String expected() {
                return "a list of " + element.expected();
            }
        };
    }

    /**
     * @param raw any raw value
     * @return a short description that never shows long or secret text
     */
    static String describe(Object raw) {
        if (raw == null) {
            return "nothing";
        }
        if (raw instanceof String s) {
            return s.length() > 40 ? "a string" : "'" + s + "'";
        }
        if (raw instanceof Number || raw instanceof Boolean) {
            return String.valueOf(raw);
        }
        if (raw instanceof List) {
            return "a list";
        }
        if (raw instanceof Map) {
            return "a map";
        }
        return "a " + raw.getClass().getSimpleName();
    }
}
