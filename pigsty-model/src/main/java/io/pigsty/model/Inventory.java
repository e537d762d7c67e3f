package io.pigsty.model;

import io.pigsty.model.internal.Derived;
import io.pigsty.model.internal.InventoryCodec;
import io.pigsty.model.internal.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A whole Pigsty deployment: global vars, the infra and etcd groups, PostgreSQL clusters and plain
 * node groups. Reads and writes Pigsty's own {@code pigsty.yml} layout.
 *
 * @param vars       {@code all.vars}
 * @param infra      the {@code infra} group
 * @param etcd       the {@code etcd} group
 * @param clusters   groups with {@code pg_cluster}
 * @param nodeGroups any other group
 */
public record Inventory(Vars vars, Optional<NodeGroup> infra, Optional<NodeGroup> etcd, List<PgCluster> clusters,
                        List<NodeGroup> nodeGroups) {

    /** Canonical constructor: rejects nulls, copies lists. */
    public Inventory {
        Objects.requireNonNull(vars, "vars");
        Objects.requireNonNull(infra, "infra");
        Objects.requireNonNull(etcd, "etcd");
        clusters = List.copyOf(clusters);
        nodeGroups = List.copyOf(nodeGroups);
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder pre-filled from this inventory */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.vars = vars.toBuilder();
        b.infra = infra.orElse(null);
        b.etcd = etcd.orElse(null);
        b.clusters.addAll(clusters);
        b.nodeGroups.addAll(nodeGroups);
        return b;
    }

    /**
     * Reads, parses and validates an inventory file.
     *
     * @param file a {@code pigsty.yml} (or .json)
     * @return the inventory
     * @throws InventoryParseException when the text is not well-formed or not Pigsty's layout
     * @throws ValidationException     listing every error
     */
    public static Inventory load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InventoryParseException(file.toString(), 0, 0, "cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses and validates inventory YAML (JSON is YAML too).
     *
     * @param yaml       the text
     * @param sourceName name used in error messages
     * @return the inventory
     * @throws InventoryParseException when the text is not well-formed or not Pigsty's layout
     * @throws ValidationException     listing every error
     */
    public static Inventory parse(String yaml, String sourceName) {
        Inventory inv = InventoryCodec.read(yaml, sourceName);
        inv.validate().orThrow();
        return inv;
    }

    /**
     * Parses without validating (to inspect a broken inventory with {@link #validate()}).
     *
     * @param yaml       the text
     * @param sourceName name used in error messages
     * @return the inventory
     * @throws InventoryParseException when the text is not well-formed or not Pigsty's layout
     */
    public static Inventory parseUnvalidated(String yaml, String sourceName) {
        return InventoryCodec.read(yaml, sourceName);
    }

    /**
     * @param json inventory JSON in Pigsty's layout
     * @return the validated inventory
     */
    public static Inventory fromJson(String json) {
        return parse(json, "<json>");
    }

    /** @return the inventory as {@code pigsty.yml} text (secrets in clear: it is the inventory) */
    public String toYaml() {
        return InventoryCodec.writeYaml(this);
    }

    /** @return the inventory as JSON in the same layout */
    public String toJson() {
        return InventoryCodec.writeJson(this);
    }

    /**
     * Validates once per inventory: it is immutable, and the rules (this module's and those the modules on
     * the class path provide) are fixed for the JVM, so every facade and plan of it shares the result.
     *
     * @return every problem found, errors and warnings; never throws
     */
    public ValidationResult validate() {
        return Derived.get(this, VALIDATION, Validator::validate);
    }

    private static final Derived.Key<ValidationResult> VALIDATION =
            Derived.Key.named("validation");

    /**
     * @param name cluster name
     * @return that cluster
     */
    public Optional<PgCluster> cluster(String name) {
        // planning looks clusters up by name many times per plan: a scan of a thousand clusters each time
        // made planning quadratic
        return Optional.ofNullable(Derived.get(this, CLUSTERS_BY_NAME, Inventory::clustersByName).get(name));
    }

    private static final Derived.Key<Map<String, PgCluster>> CLUSTERS_BY_NAME = Derived.Key.named("clusters by name");

    private static Map<String, PgCluster> clustersByName(Inventory inv) {
        Map<String, PgCluster> byName = new java.util.HashMap<>();
        for (PgCluster c : inv.clusters()) {
            byName.putIfAbsent(c.name(), c); // the first of a name, as a scan finds it
        }
        return byName;
    }

    /**
     * @param name cluster name
     * @return that cluster
     * @throws PigstyException naming the known clusters when there is none of that name
     */
    public PgCluster requireCluster(String name) {
        return cluster(name).orElseThrow(() -> new PigstyException("no cluster '" + name + "' in the inventory (known: "
                + clusters.stream().map(PgCluster::name).collect(Collectors.joining(", ")) + ")"));
    }

    /**
     * @param cluster  a cluster of this inventory
     * @param instance one of its members
     * @return effective vars: instance over cluster over global over defaults
     */
    public Resolved resolve(PgCluster cluster, PgInstance instance) {
        return resolvedCache().computeIfAbsent(new Member(cluster, instance), m -> resolveNew(cluster, instance));
    }

    /**
     * What {@link #resolve(PgCluster, PgInstance)} and {@link #resolve(PgCluster)} made for this inventory:
     * planning a cluster resolves each member a few dozen times (every module, the preflight, the offline
     * facts), and a resolution copies and freezes its computed vars. Everything it depends on (the inventory's
     * vars, the cluster's, the member's) is immutable.
     */
    private static final Derived.Key<Map<Member, Resolved>> RESOLVED =
            Derived.Key.named("resolved vars");

    /** A cluster and one of its members (null for the cluster level), by identity. */
    private record Member(PgCluster cluster, PgInstance instance) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Member m && m.cluster == cluster && m.instance == instance;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(cluster) + System.identityHashCode(instance);
        }
    }

    private Map<Member, Resolved> resolvedCache() {
        return Derived.get(this, RESOLVED, inv -> new java.util.concurrent.ConcurrentHashMap<>());
    }

    private Resolved resolveNew(PgCluster cluster, PgInstance instance) {
        Map<String, Object> computed = new java.util.LinkedHashMap<>();
        computed.put(Params.PG_CLUSTER.name(), cluster.name());
        computed.put(Params.PG_SEQ.name(), instance.seq());
        computed.put(Params.PG_ROLE.name(), instance.role().value());
        computed.put(Params.NODENAME.name(), Names.instance(cluster.name(), instance.seq()));
        computed.put("pg_instance", Names.instance(cluster.name(), instance.seq()));
        computed.put("pg_service", Names.roleService(cluster.name(), instance.role()));
        computed.put("inventory_hostname", instance.ip());
        computed.put(Params.PG_ETCD_PASSWORD.name(), cluster.name());
        List<Vars> layers = List.of(instance.vars(), cluster.vars(), vars);
        computed.put(Params.PG_BIN_DIR.name(), PgLayout.defaultBinDir(majorOf(layers)));
        return new Resolved(layers, computed);
    }

    /**
     * @param cluster a cluster of this inventory
     * @return effective cluster-level vars: cluster over global over defaults
     */
    public Resolved resolve(PgCluster cluster) {
        return resolvedCache().computeIfAbsent(new Member(cluster, null), m -> resolveNew(cluster));
    }

    private Resolved resolveNew(PgCluster cluster) {
        Map<String, Object> computed = new java.util.LinkedHashMap<>();
        computed.put(Params.PG_CLUSTER.name(), cluster.name());
        computed.put(Params.PG_ETCD_PASSWORD.name(), cluster.name());
        List<Vars> layers = List.of(cluster.vars(), vars);
        computed.put(Params.PG_BIN_DIR.name(), PgLayout.defaultBinDir(majorOf(layers)));
        return new Resolved(layers, computed);
    }

    // pg_bin_dir's default follows pg_version; a malformed pg_version is reported by validation
    private static int majorOf(List<Vars> layers) {
        try {
            return new Resolved(layers, Map.of()).get(Params.PG_VERSION);
        } catch (PigstyException e) {
            return Params.PG_VERSION.defaultValue().orElseThrow();
        }
    }

    /**
     * @param group a node group of this inventory (infra, etcd or plain)
     * @param node  one of its hosts
     * @return effective vars: host over group over global over defaults
     */
    public Resolved resolveNode(NodeGroup group, Node node) {
        return new Resolved(List.of(node.vars(), group.vars(), vars), Map.of("inventory_hostname", node.ip()));
    }

    /** @return effective global vars */
    public Resolved resolveGlobal() {
        return new Resolved(List.of(vars), Map.of());
    }

    /**
     * @param cluster a cluster to put in place of the one with the same name (or to add)
     * @return a copy of this inventory with that cluster
     */
    public Inventory withCluster(PgCluster cluster) {
        List<PgCluster> cs = new ArrayList<>(clusters);
        int i = cs.indexOf(cluster(cluster.name()).orElse(null));
        if (i >= 0) {
            cs.set(i, cluster);
        } else {
            cs.add(cluster);
        }
        return new Inventory(vars, infra, etcd, cs, nodeGroups);
    }

    /**
     * @return the groups that are not PostgreSQL clusters: infra, etcd, then {@link #nodeGroups()},
     *         in that order (the order playbooks and validation walk them)
     */
    public List<NodeGroup> allNodeGroups() {
        List<NodeGroup> out = new ArrayList<>();
        infra.ifPresent(out::add);
        etcd.ifPresent(out::add);
        out.addAll(nodeGroups);
        return List.copyOf(out);
    }

    /** @return every distinct host address in the inventory, in order of first appearance */
    public List<String> hosts() {
        List<String> out = new ArrayList<>();
        infra.ifPresent(g -> g.nodes().forEach(n -> addOnce(out, n.ip())));
        etcd.ifPresent(g -> g.nodes().forEach(n -> addOnce(out, n.ip())));
        clusters.forEach(c -> c.instances().forEach(i -> addOnce(out, i.ip())));
        nodeGroups.forEach(g -> g.nodes().forEach(n -> addOnce(out, n.ip())));
        return List.copyOf(out);
    }

    private static void addOnce(List<String> out, String ip) {
        if (!out.contains(ip)) {
            out.add(ip);
        }
    }

    /**
     * Replaces every default credential, every business user password and each cluster's etcd
     * password ({@code pg_etcd_password}) with a strong random one (24 characters from a 62-letter
     * alphabet, about 143 bits).
     *
     * @param rnd source of randomness
     * @return the new inventory
     */
    public Inventory withGeneratedPasswords(SecureRandom rnd) {
        Vars.Builder g = vars.toBuilder();
        for (Param<Secret> p : List.of(Params.PG_ADMIN_PASSWORD, Params.PG_MONITOR_PASSWORD,
                Params.PG_REPLICATION_PASSWORD, Params.PATRONI_PASSWORD, Params.HAPROXY_ADMIN_PASSWORD,
                Params.GRAFANA_ADMIN_PASSWORD, Params.ETCD_ROOT_PASSWORD)) {
            g.set(p, Secret.of(randomPassword(rnd)));
        }
        List<PgCluster> cs = new ArrayList<>();
        for (PgCluster c : clusters) {
            List<PgUser> users = new ArrayList<>();
            for (PgUser u : c.users()) {
                users.add(u.state() == ObjectState.ABSENT ? u : u.toBuilder().password(randomPassword(rnd)).build());
            }
            Vars cv = users.isEmpty() ? c.vars() : c.vars().with(Params.PG_USERS, List.copyOf(users));
            // the cluster's etcd user, whose default password is the cluster's name
            cv = cv.with(Params.PG_ETCD_PASSWORD, Secret.of(randomPassword(rnd)));
            cs.add(new PgCluster(c.name(), cv, c.instances()));
        }
        return new Inventory(g.build(), infra, etcd, cs, nodeGroups);
    }

    /**
     * @param rnd source of randomness
     * @return a 24-character password of letters and digits
     */
    public static String randomPassword(SecureRandom rnd) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /**
     * A shipped sample inventory.
     *
     * @param name {@code meta} (one node) or {@code sandbox} (meta + 3-node pg-test on 10.213.0.0/24)
     * @return the validated sample
     */
    public static Inventory sample(String name) {
        String res = "/io/pigsty/model/samples/" + name + ".yml";
        try (InputStream in = Inventory.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new PigstyException("no sample inventory '" + name + "' (known: meta, sandbox)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "sample:" + name);
        } catch (IOException e) {
            throw new PigstyException("cannot read sample " + name, e);
        }
    }

    /** Builder of {@link Inventory}. */
    public static final class Builder {
        private Vars.Builder vars = Vars.builder();
        private NodeGroup infra;
        private NodeGroup etcd;
        private final List<PgCluster> clusters = new ArrayList<>();
        private final List<NodeGroup> nodeGroups = new ArrayList<>();

        private Builder() {
        }

        /** @param v global vars (replaces) @return this */
        public Builder vars(Vars v) {
            vars = v.toBuilder();
            return this;
        }

        /**
         * Sets a parameter.
         *
         * @param p   the parameter
         * @param v   its value
         * @param <T> its type
         * @return this
         */
        public <T> Builder set(Param<T> p, T v) {
            vars.set(p, v);
            return this;
        }

        /** @param k any key @param v raw value @return this */
        public Builder var(String k, Object v) {
            vars.var(k, v);
            return this;
        }

        /** @param g the infra group @return this */
        public Builder infra(NodeGroup g) {
            infra = Objects.requireNonNull(g);
            return this;
        }

        /** @param g the etcd group @return this */
        public Builder etcd(NodeGroup g) {
            etcd = Objects.requireNonNull(g);
            return this;
        }

        /**
         * @param ips etcd members, {@code etcd_seq} 1, 2, ... in this order (see {@link NodeGroup#etcd(String...)})
         * @return this
         */
        public Builder etcd(String... ips) {
            return etcd(NodeGroup.etcd(ips));
        }

        /** @param c a cluster @return this */
        public Builder cluster(PgCluster c) {
            clusters.add(Objects.requireNonNull(c));
            return this;
        }

        /** @param c a cluster builder @return this */
        public Builder cluster(PgCluster.Builder c) {
            return cluster(c.build());
        }

        /** @param g a plain node group @return this */
        public Builder nodeGroup(NodeGroup g) {
            nodeGroups.add(Objects.requireNonNull(g));
            return this;
        }

        /** @return the inventory (not validated; call {@link Inventory#validate()}) */
        public Inventory build() {
            return new Inventory(vars.build(), Optional.ofNullable(infra), Optional.ofNullable(etcd), clusters,
                    nodeGroups);
        }
    }
}
