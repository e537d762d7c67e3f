package io.pigsty.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A small JSON Schema checker for the CLI's output schema: {@code $ref} (local), {@code oneOf},
 * {@code type}, {@code const}, {@code enum}, {@code required}, {@code properties},
 * {@code additionalProperties} and {@code items}: the keywords {@code output.schema.json} uses.
 * A keyword it does not know fails the check, so the schema cannot silently outgrow it.
 */
final class SchemaCheck {
    private static final java.util.Set<String> KNOWN = java.util.Set.of("$schema", "$id", "title", "description", "$defs",
            "$ref", "oneOf", "type", "const", "enum", "required", "properties", "additionalProperties", "items");
    private final JsonNode root;

    SchemaCheck(JsonNode root) {
        this.root = root;
    }

    /** @return every violation, as {@code path: reason} */
    List<String> errors(JsonNode doc) {
        List<String> out = new ArrayList<>();
        check(root, doc, "$", out);
        return out;
    }

    private void check(JsonNode schema, JsonNode doc, String path, List<String> out) {
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KNOWN.contains(k)) {
                out.add(path + ": schema keyword '" + k + "' is not supported by this checker");
            }
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/$defs/")) {
                out.add(path + ": unsupported $ref " + ref);
                return;
            }
            JsonNode target = root.path("$defs").path(ref.substring("#/$defs/".length()));
            if (target.isMissingNode()) {
                out.add(path + ": dangling $ref " + ref);
                return;
            }
            check(target, doc, path, out);
        }
        if (schema.has("oneOf")) {
            int matched = 0;
            List<String> why = new ArrayList<>();
            for (JsonNode alt : schema.get("oneOf")) {
                List<String> e = new ArrayList<>();
                check(alt, doc, path, e);
                if (e.isEmpty()) {
                    matched++;
                } else {
                    why.add(alt.path("$ref").asText("alternative") + " -> " + e.get(0));
                }
            }
            if (matched != 1) {
                out.add(path + ": matches " + matched + " of oneOf (exactly one required): " + why);
            }
        }
        if (schema.has("type") && !typeOk(schema.get("type"), doc)) {
            out.add(path + ": expected type " + schema.get("type") + ", got " + doc.getNodeType());
            return;
        }
        if (schema.has("const") && !schema.get("const").equals(doc)) {
            out.add(path + ": expected " + schema.get("const") + ", got " + doc);
        }
        if (schema.has("enum")) {
            boolean any = false;
            for (JsonNode v : schema.get("enum")) {
                any |= v.equals(doc);
            }
            if (!any) {
                out.add(path + ": " + doc + " not in " + schema.get("enum"));
            }
        }
        if (doc.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!doc.has(r.asText())) {
                    out.add(path + ": missing required '" + r.asText() + "'");
                }
            }
            JsonNode props = schema.path("properties");
            JsonNode extra = schema.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (props.has(f.getKey())) {
                    check(props.get(f.getKey()), f.getValue(), path + "." + f.getKey(), out);
                } else if (extra != null && extra.isBoolean() && !extra.asBoolean()) {
                    out.add(path + ": unexpected property '" + f.getKey() + "'");
                } else if (extra != null && extra.isObject()) {
                    check(extra, f.getValue(), path + "." + f.getKey(), out);
                }
            }
        }
        if (doc.isArray() && schema.has("items")) {
            for (int i = 0; i < doc.size(); i++) {
                check(schema.get("items"), doc.get(i), path + "[" + i + "]", out);
            }
        }
    }

    private static boolean typeOk(JsonNode type, JsonNode doc) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeOk(t, doc)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> doc.isObject();
            case "array" -> doc.isArray();
            case "string" -> doc.isTextual();
            case "integer" -> doc.isIntegralNumber();
            case "number" -> doc.isNumber();
            case "boolean" -> doc.isBoolean();
            case "null" -> doc.isNull();
            default -> false;
        };
    }
}
