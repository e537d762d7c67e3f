package io.pigsty.monitor.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pigsty.monitor.Collector;
import io.pigsty.monitor.Column;
import io.pigsty.monitor.ColumnUsage;
import io.pigsty.monitor.PredicateQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads pg_exporter's collector YAML. Collects every problem of a document before failing so a
 * user fixes a config in one round, each line naming file, branch and field.
 */
public final class ConfigParser {
    /** pg_exporter's default per-query timeout when none (or 0) is configured. */
    public static final double DEFAULT_TIMEOUT = 0.1;

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> FIELDS = Set.of("name", "desc", "query", "ttl", "timeout", "priority",
            "min_version", "max_version", "fatal", "skip", "tags", "predicate_queries", "metrics");
    private static final Set<String> COLUMN_FIELDS = Set.of("name", "usage", "rename", "description", "default", "scale",
            "bucket");
    private static final Set<String> PREDICATE_FIELDS = Set.of("name", "predicate_query", "ttl");

    private ConfigParser() {
    }

    /**
     * @param source   file name used in error lines
     * @param text     the YAML document
     * @param problems receives one line per problem
     * @return the collectors of the document in document order (those with problems left out)
     */
    public static Map<String, Collector> parse(String source, String text, List<String> problems) {
        return parse(source, text, problems, new ArrayList<>());
    }

    /**
     * @param source   file name used in error lines
     * @param text     the YAML document
     * @param problems receives one line per problem
     * @param warnings receives one line per field pg_exporter ignores (unknown fields): reported, not fatal
     * @return the collectors of the document in document order (those with problems left out)
     */
    public static Map<String, Collector> parse(String source, String text, List<String> problems, List<String> warnings) {
        Map<String, Collector> out = new LinkedHashMap<>();
        YamlNode root;
        try {
            root = YamlNode.parse(text);
        } catch (JsonProcessingException e) {
            problems.add(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
            return out;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out; // an empty file (e.g. only comments) contributes nothing
        }
        if (!root.isObject()) {
            problems.add(source + ": top level must be a map of collectors, got " + kind(root));
            return out;
        }
        for (Map.Entry<String, YamlNode> e : root.properties()) {
            int before = problems.size();
            Collector c = collector(source, e.getKey(), e.getValue(), problems, warnings);
            if (c != null && problems.size() == before) {
                out.put(e.getKey(), c);
            }
        }
        return out;
    }

    private static Collector collector(String source, String branch, YamlNode n, List<String> problems,
                                       List<String> warnings) {
        Errors err = new Errors(source + ": " + branch, problems);
        // pg_exporter (yaml.v3 without KnownFields) ignores fields it does not know; so do we, but say so
        Errors warn = new Errors(source + ": " + branch, warnings);
        if (!n.isObject()) {
            err.add("", "collector must be a map, got " + kind(n));
            return null;
        }
        if (!NAME.matcher(branch).matches()) {
            err.add("", "branch name '" + branch + "' is not a valid metric name");
        }
        for (Iterator<String> f = n.fieldNames(); f.hasNext(); ) {
            String field = f.next();
            if (!FIELDS.contains(field)) {
                warn.add("." + field, "unknown field ignored (known: " + String.join(", ", sorted(FIELDS)) + ")");
            }
        }
        String name = string(n, "name", err).orElse(branch);
        if (!NAME.matcher(name).matches()) {
            err.add(".name", "'" + name + "' is not a valid metric name");
        }
        String desc = string(n, "desc", err).orElse("");
        String query = string(n, "query", err).orElse("");
        if (query.isBlank() && (!n.has("query") || n.get("query").isTextual())) {
            err.add(".query", "required, must be non-empty SQL");
        }
        double ttl = number(n, "ttl", err).orElse(0);
        if (ttl < 0) {
            err.add(".ttl", "must be >= 0, got " + fmt(ttl));
        }
        double timeout = number(n, "timeout", err).orElse(0);
        if (timeout == 0) {
            timeout = DEFAULT_TIMEOUT;
        } else if (timeout < 0) {
            timeout = 0;
        }
        int priority = integer(n, "priority", err).orElse(0);
        if (priority < 0 || priority > 999) {
            err.add(".priority", "must be within 0..999, got " + priority);
        }
        int min = integer(n, "min_version", err).orElse(0);
        int max = integer(n, "max_version", err).orElse(0);
        if (min < 0) {
            err.add(".min_version", "must be >= 0, got " + min);
        }
        if (max < 0) {
            err.add(".max_version", "must be >= 0, got " + max);
        }
        if (min > 0 && max > 0 && min >= max) {
            err.add(".max_version", "must be greater than min_version " + min + ", got " + max);
        }
        boolean fatal = bool(n, "fatal", err);
        boolean skip = bool(n, "skip", err);
        List<String> tags = new ArrayList<>();
        YamlNode t = n.get("tags");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                err.add(".tags", "must be a list of strings, got " + kind(t));
            } else {
                for (int i = 0; i < t.size(); i++) {
                    YamlNode tag = t.get(i);
                    if (!tag.isTextual() || tag.asText().isBlank()) {
                        err.add(".tags[" + i + "]", "must be a non-empty string, got " + kind(tag));
                    } else {
                        String s = tag.asText();
                        for (String prefix : List.of("dbname:", "username:", "extension:", "schema:", "not:")) {
                            if (s.equals(prefix)) {
                                err.add(".tags[" + i + "]", "'" + s + "' needs a value after the colon");
                            }
                        }
                        tags.add(s);
                    }
                }
            }
        }
        List<PredicateQuery> predicates = predicates(n.get("predicate_queries"), err, warn);
        List<Column> columns = columns(n.get("metrics"), name, err, warn);
        return new Collector(branch, name, desc, query, ttl, timeout, priority, min, max, fatal, skip, tags,
                predicates, columns, source);
    }

    private static List<PredicateQuery> predicates(YamlNode p, Errors err, Errors warn) {
        List<PredicateQuery> out = new ArrayList<>();
        if (p == null || p.isNull()) {
            return out;
        }
        if (!p.isArray()) {
            err.add(".predicate_queries", "must be a list, got " + kind(p));
            return out;
        }
        for (int i = 0; i < p.size(); i++) {
            YamlNode q = p.get(i);
            String path = ".predicate_queries[" + i + "]";
            if (!q.isObject()) {
                err.add(path, "must be a map with predicate_query, got " + kind(q));
                continue;
            }
            Errors sub = err.sub(path);
            for (Iterator<String> f = q.fieldNames(); f.hasNext(); ) {
                String field = f.next();
                if (!PREDICATE_FIELDS.contains(field)) {
                    warn.add(path + "." + field, "unknown field ignored (known: "
                            + String.join(", ", sorted(PREDICATE_FIELDS)) + ")");
                }
            }
            String name = string(q, "name", sub).orElse("predicate_" + i);
            String sql = string(q, "predicate_query", sub).orElse("");
            if (sql.isBlank()) {
                sub.add(".predicate_query", "required, must be non-empty SQL");
            }
            double ttl = number(q, "ttl", sub).orElse(0);
            if (ttl < 0) {
                sub.add(".ttl", "must be >= 0, got " + fmt(ttl));
            }
            out.add(new PredicateQuery(name, sql, Math.max(0, ttl)));
        }
        return out;
    }

    private static List<Column> columns(YamlNode m, String namespace, Errors err, Errors warn) {
        List<Column> out = new ArrayList<>();
        if (m == null || m.isNull()) {
            err.add(".metrics", "required, a list of one-key maps column -> {usage, ...}");
            return out;
        }
        if (!m.isArray()) {
            err.add(".metrics", "must be a list of one-key maps, got " + kind(m));
            return out;
        }
        if (m.isEmpty()) {
            err.add(".metrics", "must not be empty");
        }
        Map<String, String> exported = new LinkedHashMap<>();
        for (int i = 0; i < m.size(); i++) {
            YamlNode item = m.get(i);
            String at = ".metrics[" + i + "]";
            if (!item.isObject() || item.size() != 1) {
                err.add(at, "must be a map with exactly one key (the column name), got "
                        + (item.isObject() ? item.size() + " keys" : kind(item)));
                continue;
            }
            String key = item.fieldNames().next();
            YamlNode spec = item.get(key);
            Errors sub = err.sub(at + "." + key);
            if (spec == null || !spec.isObject()) {
                sub.add("", "column spec must be a map with usage, got " + kind(spec));
                continue;
            }
            for (Iterator<String> f = spec.fieldNames(); f.hasNext(); ) {
                String field = f.next();
                if (!COLUMN_FIELDS.contains(field)) {
                    warn.add(at + "." + key + "." + field, "unknown field ignored (known: "
                            + String.join(", ", sorted(COLUMN_FIELDS)) + ")");
                }
            }
            // pg_exporter's column `name:` names the result column (and metric suffix) instead of the key
            String col = string(spec, "name", sub).filter(x -> !x.isEmpty()).orElse(key);
            ColumnUsage usage = null;
            YamlNode u = spec.get("usage");
            if (u == null || u.isNull()) {
                sub.add(".usage", "required (expected one of " + usages() + ")");
            } else if (!u.isTextual()) {
                sub.add(".usage", "must be a string, got " + kind(u));
            } else {
                try {
                    usage = ColumnUsage.valueOf(u.asText().toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    sub.add(".usage", "unknown usage '" + u.asText() + "' (expected one of " + usages() + ")");
                }
            }
            Optional<String> rename = string(spec, "rename", sub);
            if (rename.isPresent() && !NAME.matcher(rename.get()).matches()) {
                sub.add(".rename", "'" + rename.get() + "' is not a valid metric or label name");
                rename = Optional.empty();
            }
            String exportedName = rename.orElse(col);
            if (rename.isEmpty() && usage != null && usage != ColumnUsage.DISCARD && !NAME.matcher(col).matches()) {
                sub.add("", "column name '" + col + "' is not a valid metric or label name; add rename");
            }
            String description = string(spec, "description", sub).orElse("");
            OptionalDouble def = number(spec, "default", sub);
            OptionalDouble scaleOpt = number(spec, "scale", sub);
            double scale = scaleOpt.orElse(1);
            if (scaleOpt.isPresent() && (scale == 0 || !Double.isFinite(scale))) {
                sub.add(".scale", "must be a finite non-zero number, got " + fmt(scale));
            }
            List<Double> buckets = new ArrayList<>();
            YamlNode b = spec.get("bucket");
            if (b != null && !b.isNull()) {
                if (usage != null && usage != ColumnUsage.HISTOGRAM) {
                    sub.add(".bucket", "only valid with usage HISTOGRAM, usage is " + usage);
                }
                if (!b.isArray() || b.isEmpty()) {
                    sub.add(".bucket", "must be a non-empty list of numbers, got " + kind(b));
                } else {
                    for (int k = 0; k < b.size(); k++) {
                        YamlNode v = b.get(k);
                        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                            sub.add(".bucket[" + k + "]", "must be a finite number, got " + kind(v));
                        } else if (!buckets.isEmpty() && v.asDouble() <= buckets.get(buckets.size() - 1)) {
                            sub.add(".bucket[" + k + "]", "must be greater than the previous bound "
                                    + fmt(buckets.get(buckets.size() - 1)) + ", got " + fmt(v.asDouble()));
                        } else {
                            buckets.add(v.asDouble());
                        }
                    }
                }
            } else if (usage == ColumnUsage.HISTOGRAM) {
                sub.add(".bucket", "required for usage HISTOGRAM");
            }
            if (usage != null && usage != ColumnUsage.DISCARD) {
                String prev = exported.put(exportedName, col);
                if (prev != null) {
                    sub.add("", "exports '" + exportedName + "' which column '" + prev + "' already exports");
                }
                if (usage.isMetric() && !NAME.matcher(namespace + "_" + exportedName).matches()) {
                    sub.add("", "metric name '" + namespace + "_" + exportedName + "' is invalid");
                }
            }
            if (usage != null) {
                out.add(new Column(col, usage, rename, description, def, scale, buckets));
            }
        }
        if (!out.isEmpty() && out.stream().noneMatch(c -> c.usage().isMetric())) {
            err.add(".metrics", "no column has usage GAUGE, COUNTER or HISTOGRAM");
        }
        return out;
    }

    private static String usages() {
        return String.join(", ", Arrays.stream(ColumnUsage.values()).map(Enum::name).toList());
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static Optional<String> string(YamlNode n, String field, Errors err) {
        YamlNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            err.add("." + field, "must be a string, got " + kind(v));
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    private static OptionalDouble number(YamlNode n, String field, Errors err) {
        YamlNode v = n.get(field);
        if (v == null || v.isNull()) {
            return OptionalDouble.empty();
        }
        if (v.isNumber()) {
            return OptionalDouble.of(v.asDouble());
        }
        if (v.isTextual()) {
            OptionalDouble d = yamlNumber(v.asText());
            if (d.isPresent()) {
                return d;
            }
        }
        err.add("." + field, "must be a number, got " + kind(v));
        return OptionalDouble.empty();
    }

    /**
     * Reads a scalar the way pg_exporter's YAML library (yaml.v3) resolves plain numbers that our
     * YAML 1.1 reader leaves as text: {@code 090600} (a leading zero with a digit 8 or 9 is not
     * octal, so yaml.v3 falls back to a decimal float: 90600), {@code 0o17} (YAML 1.2 octal),
     * underscores as digit separators, and quoted floats such as {@code '1e-3'}. Leading-zero
     * numbers made of octal digits only ({@code 010000}) are octal in both readers (4096).
     *
     * @param text the scalar text
     * @return the number, or empty when it is not one
     */
    static OptionalDouble yamlNumber(String text) {
        String s = text.strip().replace("_", "");
        if (s.isEmpty()) {
            return OptionalDouble.empty();
        }
        boolean neg = s.startsWith("-");
        String body = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        try {
            if (body.startsWith("0o")) {
                long l = Long.parseLong(body.substring(2), 8);
                return OptionalDouble.of(neg ? -l : l);
            }
            if (body.startsWith("0x")) {
                long l = Long.parseLong(body.substring(2), 16);
                return OptionalDouble.of(neg ? -l : l);
            }
            if (body.matches("[0-9]+")) {
                if (body.length() > 1 && body.charAt(0) == '0' && body.matches("[0-7]+")) {
                    long l = Long.parseLong(body, 8);
                    return OptionalDouble.of(neg ? -l : l);
                }
                long l = Long.parseLong(body);
                return OptionalDouble.of(neg ? -l : l);
            }
            if (!s.matches("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?")) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    private static java.util.OptionalInt integer(YamlNode n, String field, Errors err) {
        YamlNode v = n.get(field);
        if (v == null || v.isNull()) {
            return java.util.OptionalInt.empty();
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return java.util.OptionalInt.of(v.asInt());
        }
        if (v.isTextual()) {
            // e.g. min_version: 090600, which pg_exporter reads as 90600 (see yamlNumber)
            OptionalDouble d = yamlNumber(v.asText());
            if (d.isPresent() && d.getAsDouble() == Math.rint(d.getAsDouble()) && Math.abs(d.getAsDouble()) <= Integer.MAX_VALUE) {
                return java.util.OptionalInt.of((int) d.getAsDouble());
            }
        }
        err.add("." + field, "must be an integer, got " + kind(v));
        return java.util.OptionalInt.empty();
    }

    private static boolean bool(YamlNode n, String field, Errors err) {
        YamlNode v = n.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            err.add("." + field, "must be true or false, got " + kind(v));
            return false;
        }
        return v.asBoolean();
    }

    private static String kind(YamlNode v) {
        if (v == null || v.isNull()) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        return v.isArray() ? "a list" : v.isObject() ? "a map" : v.type().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private record Errors(String prefix, List<String> sink) {
        void add(String path, String message) {
            sink.add(prefix + path + ": " + message);
        }

        Errors sub(String path) {
            return new Errors(prefix + path, sink);
        }
    }
}
