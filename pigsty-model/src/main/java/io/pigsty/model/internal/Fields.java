package io.pigsty.model.internal;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the fields of one raw object (a YAML map), tracking which keys were consumed. */
final class Fields {
    private final Map<String, Object> raw;
    private final Set<String> used = new LinkedHashSet<>();

    @SuppressWarnings("unchecked")
    Fields(Object raw, String what) {
        if (!(raw instanceof Map)) {
            throw new ConversionException("", "expected " + what + " (a map), got " + Codec.describe(raw));
        }
        this.raw = (Map<String, Object>) raw;
    }

    boolean has(String key) {
        used.add(key);
        return raw.get(key) != null;
    }

    <T> T get(String key, Codec<T> codec, T fallback) {
        used.add(key);
        Object v = raw.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return codec.decode(v);
        } catch (ConversionException e) {
            throw e.under("." + key);
        }
    }

    <T> T require(String key, Codec<T> codec) {
        used.add(key);
        Object v = raw.get(key);
        if (v == null) {
            throw new ConversionException("." + key, "is required");
        }
        return get(key, codec, null);
    }

    /** @return keys not consumed, to keep as extra */
    Map<String, Object> rest() {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (!used.contains(String.valueOf(k)) && v != null) {
                out.put(String.valueOf(k), v);
            }
        });
        return out;
    }

    static void putIf(Map<String, Object> out, String key, Object value, Object dflt) {
        if (value != null && !value.equals(dflt)) {
            out.put(key, value instanceof List<?> l ? new java.util.ArrayList<>(l)
                    : value instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : value);
        }
    }
}
