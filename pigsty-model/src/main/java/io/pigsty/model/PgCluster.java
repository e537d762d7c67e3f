package io.pigsty.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A PostgreSQL cluster: a group of the inventory with {@code pg_cluster}, its cluster vars
 * (users, databases, services, HBA rules, HA settings) and its instances.
 *
 * @param name      {@code pg_cluster}
 * @param vars      cluster-level vars ({@code pg_cluster} itself is not repeated here)
 * @param instances members in inventory order
 */
public record PgCluster(String name, Vars vars, List<PgInstance> instances) {
    /** Canonical constructor: rejects nulls, copies instances. */
    public PgCluster {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vars, "vars");
        instances = List.copyOf(instances);
    }

    /**
     * @param name cluster name
     * @return a fluent builder
     */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** @return a builder pre-filled from this cluster */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.vars = vars.toBuilder();
        b.instances.addAll(instances);
        return b;
    }

    /**
     * @param seq instance seq
     * @return that member
     */
    public Optional<PgInstance> instance(int seq) {
        return instances.stream().filter(i -> i.seq() == seq).findFirst();
    }

    /**
     * @param ip address
     * @return the member on that host
     */
    public Optional<PgInstance> instanceAt(String ip) {
        return instances.stream().filter(i -> i.ip().equals(ip)).findFirst();
    }

    /** @return the primary (or the standby leader of a standby cluster) */
    public Optional<PgInstance> primary() {
        return instances.stream().filter(i -> i.role() == Role.PRIMARY).findFirst()
                .or(() -> instances.stream().filter(i -> i.role() == Role.STANDBY || i.role() == Role.DELAYED)
                        .findFirst());
    }

    /** @return every member but the primary */
    public List<PgInstance> replicas() {
        Optional<PgInstance> p = primary();
        return instances.stream().filter(i -> p.isEmpty() || i != p.get()).collect(Collectors.toUnmodifiableList());
    }

    /** @return cluster-level {@code pg_users} */
    public List<PgUser> users() {
        return vars.get(Params.PG_USERS).orElse(List.of());
    }

    /** @return cluster-level {@code pg_databases} */
    public List<PgDatabase> databases() {
        return vars.get(Params.PG_DATABASES).orElse(List.of());
    }

    /** Fluent builder of {@link PgCluster}. */
    public static final class Builder {
        private final String name;
        private Vars.Builder vars = Vars.builder();
        private final List<PgInstance> instances = new ArrayList<>();
        private final List<PgUser> users = new ArrayList<>();
        private final List<PgDatabase> databases = new ArrayList<>();
        private final List<PgService> services = new ArrayList<>();
        private final List<HbaRule> hbaRules = new ArrayList<>();
        private final List<HbaRule> pgbHbaRules = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** @param seq seq @param ip address @param role role @return this */
        public Builder instance(int seq, String ip, Role role) {
            instances.add(PgInstance.builder(seq, ip, role).build());
            return this;
        }

        /**
         * @param seq        seq
         * @param ip         address
         * @param role       role
         * @param customizer sets instance-level vars
         * @return this
         */
        public Builder instance(int seq, String ip, Role role, Consumer<PgInstance.Builder> customizer) {
            PgInstance.Builder b = PgInstance.builder(seq, ip, role);
            customizer.accept(b);
            instances.add(b.build());
            return this;
        }

        /** @param i a built instance @return this */
        public Builder instance(PgInstance i) {
            instances.add(Objects.requireNonNull(i));
            return this;
        }

        /** @param u a business user (appended to pg_users) @return this */
        public Builder user(PgUser u) {
            users.add(Objects.requireNonNull(u));
            return this;
        }

        /** @param u a builder of a business user @return this */
        public Builder user(PgUser.Builder u) {
            return user(u.build());
        }

        /** @param d a business database (appended to pg_databases) @return this */
        public Builder database(PgDatabase d) {
            databases.add(Objects.requireNonNull(d));
            return this;
        }

        /** @param d a builder of a business database @return this */
        public Builder database(PgDatabase.Builder d) {
            return database(d.build());
        }

        /** @param s a service (appended to pg_services) @return this */
        public Builder service(PgService s) {
            services.add(Objects.requireNonNull(s));
            return this;
        }

        /** @param r a postgres HBA rule (appended to pg_hba_rules) @return this */
        public Builder hbaRule(HbaRule r) {
            hbaRules.add(Objects.requireNonNull(r));
            return this;
        }

        /** @param r a pgbouncer HBA rule (appended to pgb_hba_rules) @return this */
        public Builder pgbHbaRule(HbaRule r) {
            pgbHbaRules.add(Objects.requireNonNull(r));
            return this;
        }

        /**
         * Enables the L2 VIP.
         *
         * @param address {@code 10.213.0.3} (mask /24 assumed) or {@code 10.213.0.3/24}
         * @return this
         */
        public Builder vip(String address) {
            vars.set(Params.PG_VIP_ENABLED, true);
            vars.set(Params.PG_VIP_ADDRESS, address.contains("/") ? address : address + "/24");
            return this;
        }

        /** @param mode RTO mode @return this */
        public Builder rto(RtoMode mode) {
            vars.set(Params.PG_RTO, mode);
            return this;
        }

        /** @param bytes RPO, 0 = synchronous @return this */
        public Builder rpo(long bytes) {
            vars.set(Params.PG_RPO, bytes);
            return this;
        }

        /** @param tuning tuning template @return this */
        public Builder tuning(PgTuning tuning) {
            vars.set(Params.PG_CONF, tuning);
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

        /** @return the cluster (not validated: {@link Inventory#validate()} does that) */
        public PgCluster build() {
            Vars.Builder vb = vars;
            Vars current = vb.build();
            Vars.Builder out = current.toBuilder();
            appendList(out, current, Params.PG_USERS, users);
            appendList(out, current, Params.PG_DATABASES, databases);
            appendList(out, current, Params.PG_SERVICES, services);
            appendList(out, current, Params.PG_HBA_RULES, hbaRules);
            appendList(out, current, Params.PGB_HBA_RULES, pgbHbaRules);
            return new PgCluster(name, out.build(), instances);
        }

        private static <T> void appendList(Vars.Builder out, Vars current, Param<List<T>> p, List<T> added) {
            if (added.isEmpty()) {
                return;
            }
            List<T> all = new ArrayList<>(current.get(p).orElse(List.of()));
            all.addAll(added);
            out.set(p, List.copyOf(all));
        }
    }
}
