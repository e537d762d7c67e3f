package io.pigsty.model;

import java.util.Objects;

/**
 * One member of a PostgreSQL cluster: a host of the cluster's group.
 *
 * @param seq  {@code pg_seq}, unique in the cluster
 * @param ip   the host's address (its key in the inventory)
 * @param role {@code pg_role}
 * @param vars host-level overrides such as {@code pg_offline_query}, {@code pg_weight},
 *             {@code pg_upstream} (identity keys are not repeated here)
 */
public record PgInstance(int seq, String ip, Role role, Vars vars) {
    /** Canonical constructor: rejects nulls. */
    public PgInstance {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(vars, "vars");
    }

    /**
     * @param seq  seq
     * @param ip   address
     * @param role role
     * @return a builder
     */
    public static Builder builder(int seq, String ip, Role role) {
        return new Builder(seq, ip, role);
    }

    /** @return a builder pre-filled from this instance */
    public Builder toBuilder() {
        Builder b = new Builder(seq, ip, role);
        b.vars = vars.toBuilder();
        return b;
    }

    /** Builder of {@link PgInstance}. */
    public static final class Builder {
        private final int seq;
        private final String ip;
        private final Role role;
        private Vars.Builder vars = Vars.builder();

        private Builder(int seq, String ip, Role role) {
            this.seq = seq;
            this.ip = Objects.requireNonNull(ip, "ip");
            this.role = Objects.requireNonNull(role, "role");
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

        /** @param v serve offline queries @return this */
        public Builder offlineQuery(boolean v) {
            return set(Params.PG_OFFLINE_QUERY, v);
        }

        /** @param v HAProxy weight @return this */
        public Builder weight(int v) {
            return set(Params.PG_WEIGHT, v);
        }

        /** @param v upstream ip @return this */
        public Builder upstream(String v) {
            return set(Params.PG_UPSTREAM, v);
        }

        /** @return the instance */
        public PgInstance build() {
            return new PgInstance(seq, ip, role, vars.build());
        }
    }
}
