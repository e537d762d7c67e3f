package io.pigsty.ha.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patroni's JSON as plain Java for the public API: objects as unmodifiable maps (keys in Patroni's
 * order), arrays as unmodifiable lists, numbers, booleans, strings, and {@code null} for JSON null.
 * Callers of {@code io.pigsty.ha.ops} thus need no Jackson type.
 */
final class JsonViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonViews() {
    }

    /**
     * @param node a JSON object (anything else gives an empty map)
     * @return a deep-unmodifiable view
     */
    static Map<String, Object> map(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) freeze(JSON.convertValue(node, Map.class));
        return m;
    }

    /**
     * @param map a map of JSON values ({@code null} values kept: in a patch they delete the key)
     * @return it as a JSON object
     */
    static JsonNode tree(Map<String, ?> map) {
        return JSON.valueToTree(map);
    }

    private static Object freeze(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), freeze(x)));
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(freeze(x)));
            return Collections.unmodifiableList(out);
        }
        return v;
    }
}
