package io.pigsty.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A group of hosts that is not a PostgreSQL cluster: {@code infra}, {@code etcd}, or any other.
 *
 * @param name  group name
 * @param vars  group vars
 * @param nodes hosts in inventory order
 */
public record NodeGroup(String name, Vars vars, List<Node> nodes) {
    /** Canonical constructor: rejects nulls, copies nodes. */
    public NodeGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vars, "vars");
        nodes = List.copyOf(nodes);
    }

    /**
     * @param name group name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The etcd group Patroni keeps its state in: one member per address, {@code etcd_seq} 1, 2, ...
     * in the order given.
     *
     * @param ips member addresses (at least one)
     * @return the group {@code etcd}
     * @throws InvalidValueException when no address is given
     */
    public static NodeGroup etcd(String... ips) {
        if (ips.length == 0) {
            throw new InvalidValueException("etcd", null, "an etcd group needs at least one member");
        }
        Builder b = new Builder("etcd");
        for (int i = 0; i < ips.length; i++) {
            int seq = i + 1;
            b.node(ips[i], v -> v.set(Params.ETCD_SEQ, seq));
        }
        return b.build();
    }

    /**
     * @param ip address
     * @return that node
     */
    public Optional<Node> node(String ip) {
        return nodes.stream().filter(n -> n.ip().equals(ip)).findFirst();
    }

    /** @return a builder pre-filled from this group */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.vars = vars.toBuilder();
        b.nodes.addAll(nodes);
        return b;
    }

    /** Builder of {@link NodeGroup}. */
    public static final class Builder {
        private final String name;
        private Vars.Builder vars = Vars.builder();
        private final List<Node> nodes = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
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

        /** @param v group vars (replaces) @return this */
        public Builder vars(Vars v) {
            vars = v.toBuilder();
            return this;
        }

        /** @param ip address @param customizer sets host vars @return this */
        public Builder node(String ip, Consumer<Vars.Builder> customizer) {
            Vars.Builder vb = Vars.builder();
            customizer.accept(vb);
            nodes.add(new Node(ip, vb.build()));
            return this;
        }

        /** @param node a node @return this */
        public Builder node(Node node) {
            nodes.add(Objects.requireNonNull(node));
            return this;
        }

        /** @return the group */
        public NodeGroup build() {
            return new NodeGroup(name, vars.build(), nodes);
        }
    }
}
