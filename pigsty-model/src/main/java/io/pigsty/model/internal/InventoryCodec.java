package io.pigsty.model.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.pigsty.model.Inventory;
import io.pigsty.model.InventoryParseException;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Param;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Role;
import io.pigsty.model.Vars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pigsty inventory layout to model and back, with Jackson doing all YAML/JSON parsing and
 * writing. Reading never validates values (that is {@link Validator}'s job); it only needs the
 * shape: {@code all.vars}, {@code all.children.<group>.{vars,hosts}}.
 *
 * <p>Scalars are read the way Ansible means them, with one difference kept for fidelity: the YAML
 * 1.1 boolean words other than {@code true}/{@code false} ({@code yes no on off y n}) are kept as
 * the strings written, so a string-typed key such as {@code patroni_watchdog_mode: off} reads
 * {@code "off"}, and boolean-typed keys accept those words ({@link Codec#BOOL}). Values are
 * written back as they were read (a quoted {@code "5432"} stays a string); YAML comments are not
 * kept: the parser does not report them.
 *
 * <p>A host of a PG group whose {@code pg_seq}/{@code pg_role} are missing or malformed keeps the
 * raw keys in its vars (with placeholder seq -1 / role replica) so validation can report them and
 * a round trip writes them back unchanged.
 */
public final class InventoryCodec {
    private static final ObjectMapper YAML;
    private static final ObjectMapper JSON;

    static {
        YAMLFactory yf = YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                // a string that looks like a number ("5432") stays a string on a round trip
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build();
        YAML = new ObjectMapper(yf);
        YAML.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private InventoryCodec() {
    }

    /**
     * @param text   YAML or JSON
     * @param source name for messages
     * @return the unvalidated inventory
     */
    public static Inventory read(String text, String source) {
        Object root;
        try {
            root = readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new InventoryParseException(source, loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr(), e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new InventoryParseException(source, 0, 0, "not valid YAML: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // SnakeYAML and Jackson report some malformed input (deep nesting, bad aliases) this way
            throw new InventoryParseException(source, 0, 0, "not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new InventoryParseException(source, 0, 0, "empty document: expected a map with key 'all'", null);
        }
        Map<String, Object> all = map(map(root, source, "top level").get("all"), source, "all");
        if (all == null) {
            throw new InventoryParseException(source, 0, 0, "missing top-level key 'all'", null);
        }
        Inventory.Builder b = Inventory.builder();
        b.vars(vars(all.get("vars"), source, "all.vars"));
        Map<String, Object> children = map(all.get("children"), source, "all.children");
        if (children != null) {
            for (Map.Entry<String, Object> g : children.entrySet()) {
                String path = "all.children." + g.getKey();
                Map<String, Object> group = map(g.getValue(), source, path);
                if (group == null) {
                    group = Map.of();
                }
                Vars gv = vars(group.get("vars"), source, path + ".vars");
                Map<String, Object> hosts = map(group.get("hosts"), source, path + ".hosts");
                if (hosts == null) {
                    hosts = Map.of();
                }
                Optional<Object> hostCluster = sameHostValue(hosts, "pg_cluster");
                if (!gv.has("pg_cluster") && hostCluster.isPresent() && !gv.has("pg_mode") && !gv.has("pg_shard")) {
                    // Pigsty also reads a group whose hosts all name one pg_cluster as that cluster
                    gv = gv.withRaw("pg_cluster", hostCluster.get());
                    Map<String, Object> stripped = new LinkedHashMap<>();
                    for (Map.Entry<String, Object> h : hosts.entrySet()) {
                        Map<String, Object> hv = new LinkedHashMap<>(map(h.getValue(), source, path + ".hosts." + h.getKey()));
                        hv.remove("pg_cluster");
                        stripped.put(h.getKey(), hv);
                    }
                    hosts = stripped;
                }
                if (gv.has("pg_cluster")) {
                    b.cluster(cluster(g.getKey(), gv, hosts, source, path));
                } else {
                    NodeGroup.Builder nb = NodeGroup.builder(g.getKey()).vars(gv);
                    for (Map.Entry<String, Object> h : hosts.entrySet()) {
                        nb.node(new Node(h.getKey(), vars(h.getValue(), source, path + ".hosts." + h.getKey())));
                    }
                    NodeGroup ng = nb.build();
                    if (g.getKey().equals("infra")) {
                        b.infra(ng);
                    } else if (g.getKey().equals("etcd")) {
                        b.etcd(ng);
                    } else {
                        b.nodeGroup(ng);
                    }
                }
            }
        }
        return b.build();
    }

    // the value every host of a group sets for a key, when they all set the same one
    private static Optional<Object> sameHostValue(Map<String, Object> hosts, String key) {
        Object seen = null;
        for (Object h : hosts.values()) {
            Object v = h instanceof Map<?, ?> m ? m.get(key) : null;
            if (v == null || (seen != null && !seen.equals(v))) {
                return Optional.empty();
            }
            seen = v;
        }
        return Optional.ofNullable(seen);
    }

    private static Object readTree(String text) throws java.io.IOException {
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t = p.nextToken();
            return t == null ? null : readValue(p, t);
        }
    }

    private static Object readValue(JsonParser p, JsonToken t) throws java.io.IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                    String key = p.currentName();
                    m.put(key, readValue(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new java.util.ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(readValue(p, e));
                }
                return l;
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                String text = p.getText();
                // YAML 1.1 words (yes/no/on/off) stay the strings written; true/false are booleans
                return text != null && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))
                        ? Boolean.valueOf(t == JsonToken.VALUE_TRUE) : text;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            case VALUE_EMBEDDED_OBJECT -> {
                return p.getEmbeddedObject();
            }
            default -> {
                return p.getText();
            }
        }
    }

    private static PgCluster cluster(String group, Vars gv, Map<String, Object> hosts, String source, String path) {
        Vars cv = gv;
        Object pc = gv.raw("pg_cluster").orElse(null);
        if (group.equals(pc)) {
            cv = gv.without("pg_cluster"); // the group name carries it; written back from the name
        }
        PgCluster.Builder cb = PgCluster.named(group);
        PgCluster built = cb.build();
        java.util.List<PgInstance> instances = new java.util.ArrayList<>();
        for (Map.Entry<String, Object> h : hosts.entrySet()) {
            Vars hv = vars(h.getValue(), source, path + ".hosts." + h.getKey());
            Object seqRaw = hv.raw("pg_seq").orElse(null);
            Object roleRaw = hv.raw("pg_role").orElse(null);
            Integer seq = null;
            try {
                seq = seqRaw == null ? null : Codec.INT.decode(seqRaw);
            } catch (ConversionException e) {
                seq = null;
            }
            Optional<Role> role = roleRaw instanceof String s ? Role.parse(s) : Optional.empty();
            if (seq != null && role.isPresent()) {
                instances.add(new PgInstance(seq, h.getKey(), role.get(), hv.without("pg_seq").without("pg_role")));
            } else {
                instances.add(new PgInstance(seq == null ? -1 : seq, h.getKey(), role.orElse(Role.REPLICA), hv));
            }
        }
        return new PgCluster(built.name(), cv, instances);
    }

    /** @return the inventory as YAML */
    public static String writeYaml(Inventory inv) {
        try {
            return YAML.writeValueAsString(toTree(inv));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write inventory YAML", e);
        }
    }

    /** @return the inventory as JSON */
    public static String writeJson(Inventory inv) {
        try {
            return JSON.writeValueAsString(toTree(inv)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write inventory JSON", e);
        }
    }

    /**
     * @param inv inventory
     * @return the plain map tree in Pigsty's layout
     */
    public static Map<String, Object> toTree(Inventory inv) {
        Map<String, Object> children = new LinkedHashMap<>();
        inv.infra().ifPresent(g -> children.put(g.name(), group(g)));
        inv.etcd().ifPresent(g -> children.put(g.name(), group(g)));
        for (PgCluster c : inv.clusters()) {
            Map<String, Object> hosts = new LinkedHashMap<>();
            for (PgInstance i : c.instances()) {
                Map<String, Object> hv = new LinkedHashMap<>();
                if (!i.vars().has("pg_seq") && !i.vars().has("pg_role")) {
                    hv.put("pg_seq", i.seq());
                    hv.put("pg_role", i.role().value());
                }
                hv.putAll(encode(i.vars()));
                hosts.put(i.ip(), hv);
            }
            Map<String, Object> vars = new LinkedHashMap<>();
            if (!c.vars().has("pg_cluster")) {
                vars.put("pg_cluster", c.name());
            }
            vars.putAll(encode(c.vars()));
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("hosts", hosts);
            g.put("vars", vars);
            children.put(c.name(), g);
        }
        inv.nodeGroups().forEach(g -> children.put(g.name(), group(g)));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("children", children);
        all.put("vars", encode(inv.vars()));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("all", all);
        return root;
    }

    private static Map<String, Object> group(NodeGroup g) {
        Map<String, Object> hosts = new LinkedHashMap<>();
        g.nodes().forEach(n -> hosts.put(n.ip(), encode(n.vars())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hosts", hosts);
        if (!g.vars().isEmpty()) {
            out.put("vars", encode(g.vars()));
        }
        return out;
    }

    /**
     * @param vars one level of vars
     * @return raw values: known keys encoded from their typed form (secrets in clear), unknown as read
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Map<String, Object> encode(Vars vars) {
        Map<String, Object> out = new LinkedHashMap<>();
        vars.asMap().forEach((k, v) -> {
            Optional<Param<?>> p = Params.byName(k);
            Object raw = v;
            if (p.isPresent() && !plain(v)) {
                Param param = p.get();
                try {
                    raw = param.encode(param.decode(v));
                } catch (ConversionException e) {
                    raw = v; // invalid values are written back as they were read
                }
            }
            out.put(k, raw);
        });
        return out;
    }

    /** A value as YAML gives it (not a typed one set by a builder): written back exactly as read. */
    private static boolean plain(Object v) {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return true;
        }
        if (v instanceof List<?> l) {
            return l.stream().allMatch(x -> x == null || plain(x));
        }
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().allMatch(x -> x == null || plain(x));
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object raw, String source, String path) {
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof Map)) {
            throw new InventoryParseException(source, 0, 0, path + ": expected a map, got " + Codec.describe(raw), null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) raw).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Vars vars(Object raw, String source, String path) {
        Map<String, Object> m = map(raw, source, path);
        if (m == null) {
            return Vars.empty();
        }
        Vars.Builder b = Vars.builder();
        m.forEach((k, v) -> {
            if (v != null) {
                b.var(k, v);
            }
        });
        return b.build();
    }

    /**
     * @param inv inventory
     * @return a deep list of every (path, vars) pair: used by validation
     */
    static List<Map.Entry<String, Vars>> levels(Inventory inv) {
        List<Map.Entry<String, Vars>> out = new java.util.ArrayList<>();
        out.add(Map.entry("all.vars", inv.vars()));
        inv.infra().ifPresent(g -> addGroup(out, g));
        inv.etcd().ifPresent(g -> addGroup(out, g));
        for (PgCluster c : inv.clusters()) {
            out.add(Map.entry("all.children." + c.name() + ".vars", c.vars()));
            c.instances().forEach(i -> out.add(Map.entry("all.children." + c.name() + ".hosts." + i.ip(), i.vars())));
        }
        inv.nodeGroups().forEach(g -> addGroup(out, g));
        return out;
    }

    private static void addGroup(List<Map.Entry<String, Vars>> out, NodeGroup g) {
        out.add(Map.entry("all.children." + g.name() + ".vars", g.vars()));
        g.nodes().forEach(n -> out.add(Map.entry("all.children." + g.name() + ".hosts." + n.ip(), n.vars())));
    }
}
