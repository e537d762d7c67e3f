package io.pigsty.model.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deep, order-keeping, unmodifiable copies of raw inventory values (maps, lists and sets of plain
 * YAML values, nested to any depth), so that a value read back from an immutable model type
 * cannot be used to change it. Nulls inside (YAML's {@code ~}) are kept.
 */
public final class Frozen {
    private Frozen() {
    }

    /**
     * @param value a raw value
     * @return the same value when it is not a collection; otherwise an unmodifiable deep copy
     */
    public static Object deep(Object value) {
        if (value instanceof Map<?, ?> m) {
            return map(m);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(deep(v)));
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            s.forEach(v -> out.add(deep(v)));
            return Collections.unmodifiableSet(out);
        }
        return value;
    }

    /**
     * @param m a raw map
     * @param <K> key type
     * @return an unmodifiable deep copy, in the same order
     */
    @SuppressWarnings("unchecked")
    public static <K> Map<K, Object> map(Map<? extends K, ?> m) {
        Map<K, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, deep(v)));
        return Collections.unmodifiableMap(out);
    }
}
