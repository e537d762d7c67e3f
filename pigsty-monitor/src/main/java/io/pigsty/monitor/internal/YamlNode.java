package io.pigsty.monitor.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML document as a small tree, read with Jackson's streaming YAML parser only. The exporter JVM
 * must stay small: Jackson databind's tree ({@code ObjectMapper.readTree}) loads about 300 classes
 * (several MiB of metaspace and symbols for the whole life of the process) to read a few collector
 * files once; this reads the same tokens, so scalars resolve exactly as before (YAML 1.1 via the
 * same parser), with the subset of {@code JsonNode}'s methods the exporter uses and the same meaning.
 */
public final class YamlNode {
    /** What a node holds. */
    public enum Type {
        /** a map */
        OBJECT,
        /** a list */
        ARRAY,
        /** text */
        STRING,
        /** a number */
        NUMBER,
        /** true or false */
        BOOLEAN,
        /** null, ~ or empty */
        NULL
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final YamlNode NULL = new YamlNode(Type.NULL, null);

    private final Type type;
    /** Map (OBJECT), List (ARRAY), String, Number, Boolean or null. */
    private final Object value;

    private YamlNode(Type type, Object value) {
        this.type = type;
        this.value = value;
    }

    /**
     * @param text a YAML document
     * @return its first document's root, or null for an empty document
     * @throws JsonProcessingException when it is not valid YAML, or a map has a key twice
     */
    public static YamlNode parse(String text) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            return t == null ? null : read(p, t);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source does no I/O
        }
    }

    private static YamlNode read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, YamlNode> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    if (m.containsKey(name)) {
                        // as STRICT_DUPLICATE_DETECTION did: a key given twice is an error, not "last wins"
                        throw new JsonParseException(p, "Duplicate field '" + name + "'");
                    }
                    m.put(name, read(p, p.nextToken()));
                }
                return new YamlNode(Type.OBJECT, Collections.unmodifiableMap(m));
            }
            case START_ARRAY -> {
                List<YamlNode> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(read(p, e));
                }
                return new YamlNode(Type.ARRAY, Collections.unmodifiableList(l));
            }
            case VALUE_STRING -> {
                return new YamlNode(Type.STRING, p.getText());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new YamlNode(Type.NUMBER, p.getNumberValue());
            }
            case VALUE_TRUE -> {
                return new YamlNode(Type.BOOLEAN, Boolean.TRUE);
            }
            case VALUE_FALSE -> {
                return new YamlNode(Type.BOOLEAN, Boolean.FALSE);
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> {
                // embedded binary (!!binary) and the like: as text, which the exporter then rejects by type
                return new YamlNode(Type.STRING, p.getText());
            }
        }
    }

    /** @return what this node holds */
    public Type type() {
        return type;
    }

    /**
     * @param field a key
     * @return the value under it, or null when this is no map or has no such key
     */
    public YamlNode get(String field) {
        return type == Type.OBJECT ? map().get(field) : null;
    }

    /**
     * @param index a position
     * @return the element there, or null when this is no list or too short
     */
    public YamlNode get(int index) {
        return type == Type.ARRAY && index >= 0 && index < list().size() ? list().get(index) : null;
    }

    /**
     * @param field a key
     * @return whether this is a map with that key
     */
    public boolean has(String field) {
        return type == Type.OBJECT && map().containsKey(field);
    }

    /** @return the keys of a map in document order (none for other nodes) */
    public Iterator<String> fieldNames() {
        return (type == Type.OBJECT ? map().keySet() : Set.<String>of()).iterator();
    }

    /** @return false: a parsed node is never Jackson's "missing" node (kept so callers read as before) */
    public boolean isMissingNode() {
        return false;
    }

    /** @return the entries of a map in document order (none for other nodes) */
    public Set<Map.Entry<String, YamlNode>> properties() {
        return type == Type.OBJECT ? map().entrySet() : Set.of();
    }

    /** @return the elements of a list (none for other nodes) */
    public List<YamlNode> elements() {
        return type == Type.ARRAY ? list() : List.of();
    }

    /** @return entries of a map, elements of a list, else 0 */
    public int size() {
        return type == Type.OBJECT ? map().size() : type == Type.ARRAY ? list().size() : 0;
    }

    /** @return whether a map or list has no entries (scalars count as empty, as in Jackson) */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** @return whether this is a map */
    public boolean isObject() {
        return type == Type.OBJECT;
    }

    /** @return whether this is a list */
    public boolean isArray() {
        return type == Type.ARRAY;
    }

    /** @return whether this is null */
    public boolean isNull() {
        return type == Type.NULL;
    }

    /** @return whether this is text */
    public boolean isTextual() {
        return type == Type.STRING;
    }

    /** @return whether this is a number */
    public boolean isNumber() {
        return type == Type.NUMBER;
    }

    /** @return whether this is a whole number */
    public boolean isIntegralNumber() {
        return type == Type.NUMBER && (value instanceof Integer || value instanceof Long || value instanceof BigInteger);
    }

    /** @return whether this is a whole number within int's range */
    public boolean canConvertToInt() {
        if (!isIntegralNumber()) {
            return false;
        }
        if (value instanceof Integer) {
            return true;
        }
        BigInteger b = value instanceof Long l ? BigInteger.valueOf(l) : (BigInteger) value;
        return b.bitLength() < 32;
    }

    /** @return whether this is true or false */
    public boolean isBoolean() {
        return type == Type.BOOLEAN;
    }

    /**
     * @return text as it is; a number or boolean as Jackson's tree prints it ({@code 5}, {@code 0.5},
     *         {@code true}); {@code null} for null; empty for maps and lists
     */
    public String asText() {
        return switch (type) {
            case STRING -> (String) value;
            case NUMBER, BOOLEAN -> value.toString();
            case NULL -> "null";
            default -> "";
        };
    }

    /** @return a number's value, text parsed as a number (0 when it is none), 1/0 for booleans, else 0 */
    public double asDouble() {
        return switch (type) {
            case NUMBER -> ((Number) value).doubleValue();
            case BOOLEAN -> (Boolean) value ? 1 : 0;
            case STRING -> {
                try {
                    yield Double.parseDouble(((String) value).strip());
                } catch (NumberFormatException e) {
                    yield 0;
                }
            }
            default -> 0;
        };
    }

    /** @return {@link #asLong()} narrowed to int */
    public int asInt() {
        return (int) asLong();
    }

    /** @return a number's whole value, text parsed as a whole number (0 when it is none), 1/0 for booleans, else 0 */
    public long asLong() {
        return switch (type) {
            case NUMBER -> ((Number) value).longValue();
            case BOOLEAN -> (Boolean) value ? 1 : 0;
            case STRING -> {
                String s = ((String) value).strip();
                try {
                    yield Long.parseLong(s);
                } catch (NumberFormatException e) {
                    try {
                        yield (long) Double.parseDouble(s);
                    } catch (NumberFormatException e2) {
                        yield 0;
                    }
                }
            }
            default -> 0;
        };
    }

    /** @return a boolean's value; text "true" (any case, trimmed); a number other than 0; else false */
    public boolean asBoolean() {
        return switch (type) {
            case BOOLEAN -> (Boolean) value;
            case STRING -> "true".equalsIgnoreCase(((String) value).strip());
            case NUMBER -> ((Number) value).longValue() != 0;
            default -> false;
        };
    }

    /** @return the entries of a map, for iteration in document order */
    public Iterator<Map.Entry<String, YamlNode>> fields() {
        return properties().iterator();
    }

    @SuppressWarnings("unchecked")
    private Map<String, YamlNode> map() {
        return (Map<String, YamlNode>) value;
    }

    @SuppressWarnings("unchecked")
    private List<YamlNode> list() {
        return (List<YamlNode>) value;
    }

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
