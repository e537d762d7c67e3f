package io.pigsty.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A PostgreSQL role or login user ({@code pg_users[]}, {@code pg_default_roles[]}). Only the
 * name is required; every other field has Pigsty's default.
 *
 * @param name          role name ({@code ^[a-z_][a-z0-9_]{0,62}$})
 * @param password      plaintext, {@code SCRAM-SHA-256$...} or {@code md5...}; never printed
 * @param state         create (create or alter) or absent (drop)
 * @param login         LOGIN (default true)
 * @param inherit       INHERIT (default true)
 * @param superuser     SUPERUSER
 * @param createdb      CREATEDB
 * @param createrole    CREATEROLE
 * @param replication   REPLICATION
 * @param bypassrls     BYPASSRLS
 * @param connlimit     CONNECTION LIMIT (-1 = none)
 * @param expireIn      days from now until the password expires (wins over expireAt)
 * @param expireAt      {@code YYYY-MM-DD} expiry date
 * @param comment       COMMENT ON ROLE (default {@code business user <name>})
 * @param roles         roles granted to this one
 * @param parameters    ALTER ROLE SET key = value
 * @param pgbouncer     add to PgBouncer's userlist (default false)
 * @param poolMode      per-user pool mode in useropts.txt
 * @param poolConnlimit per-user max connections in PgBouncer (-1 = none)
 * @param extra         unknown keys, kept for the round trip
 */
public record PgUser(String name, Optional<Secret> password, ObjectState state, boolean login, boolean inherit,
                     boolean superuser, boolean createdb, boolean createrole, boolean replication, boolean bypassrls,
                     int connlimit, Optional<Integer> expireIn, Optional<String> expireAt, Optional<String> comment,
                     List<String> roles, Map<String, String> parameters, boolean pgbouncer, Optional<PoolMode> poolMode,
                     int poolConnlimit, Map<String, Object> extra) {

    /** Canonical constructor: rejects nulls, copies collections. */
    public PgUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expireIn, "expireIn");
        Objects.requireNonNull(expireAt, "expireAt");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(poolMode, "poolMode");
        roles = List.copyOf(roles);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        extra = io.pigsty.model.internal.Frozen.map(extra); // deep: a nested raw value cannot change the model
    }

    /**
     * @param name role name
     * @return a builder with Pigsty's defaults
     */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** @return a builder pre-filled from this user */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.password = password.orElse(null);
        b.state = state;
        b.login = login;
        b.inherit = inherit;
        b.superuser = superuser;
        b.createdb = createdb;
        b.createrole = createrole;
        b.replication = replication;
        b.bypassrls = bypassrls;
        b.connlimit = connlimit;
        b.expireIn = expireIn.orElse(null);
        b.expireAt = expireAt.orElse(null);
        b.comment = comment.orElse(null);
        b.roles.addAll(roles);
        b.parameters.putAll(parameters);
        b.pgbouncer = pgbouncer;
        b.poolMode = poolMode.orElse(null);
        b.poolConnlimit = poolConnlimit;
        b.extra.putAll(extra);
        return b;
    }

    /** @return the comment to apply: the given one or Pigsty's {@code business user <name>} */
    public String effectiveComment() {
        return comment.orElse("business user " + name);
    }

    /** @return a description without the password */
    @Override
    public String toString() {
        return "PgUser[" + name + (password.isPresent() ? ", password=******" : "") + ", state=" + state.value()
                + (superuser ? ", superuser" : "") + (login ? "" : ", nologin") + ", roles=" + roles
                + (pgbouncer ? ", pgbouncer" : "") + "]";
    }

    /** Builder of {@link PgUser}; defaults are Pigsty's. */
    public static final class Builder {
        private final String name;
        private Secret password;
        private ObjectState state = ObjectState.CREATE;
        private boolean login = true;
        private boolean inherit = true;
        private boolean superuser;
        private boolean createdb;
        private boolean createrole;
        private boolean replication;
        private boolean bypassrls;
        private int connlimit = -1;
        private Integer expireIn;
        private String expireAt;
        private String comment;
        private final List<String> roles = new ArrayList<>();
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private boolean pgbouncer;
        private PoolMode poolMode;
        private int poolConnlimit = -1;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** @param v password @return this */
        public Builder password(Secret v) {
            this.password = Objects.requireNonNull(v);
            return this;
        }

        /** @param v password text @return this */
        public Builder password(String v) {
            return password(Secret.of(v));
        }

        /** @param v state @return this */
        public Builder state(ObjectState v) {
            this.state = Objects.requireNonNull(v);
            return this;
        }

        /** @param v LOGIN @return this */
        public Builder login(boolean v) {
            this.login = v;
            return this;
        }

        /** @param v INHERIT @return this */
        public Builder inherit(boolean v) {
            this.inherit = v;
            return this;
        }

        /** @param v SUPERUSER @return this */
        public Builder superuser(boolean v) {
            this.superuser = v;
            return this;
        }

        /** @param v CREATEDB @return this */
        public Builder createdb(boolean v) {
            this.createdb = v;
            return this;
        }

        /** @param v CREATEROLE @return this */
        public Builder createrole(boolean v) {
            this.createrole = v;
            return this;
        }

        /** @param v REPLICATION @return this */
        public Builder replication(boolean v) {
            this.replication = v;
            return this;
        }

        /** @param v BYPASSRLS @return this */
        public Builder bypassrls(boolean v) {
            this.bypassrls = v;
            return this;
        }

        /** @param v connection limit @return this */
        public Builder connlimit(int v) {
            this.connlimit = v;
            return this;
        }

        /** @param days days until expiry @return this */
        public Builder expireIn(int days) {
            this.expireIn = days;
            return this;
        }

        /** @param date YYYY-MM-DD @return this */
        public Builder expireAt(String date) {
            this.expireAt = Objects.requireNonNull(date);
            return this;
        }

        /** @param v comment @return this */
        public Builder comment(String v) {
            this.comment = Objects.requireNonNull(v);
            return this;
        }

        /** @param v roles to grant (replaces) @return this */
        public Builder roles(String... v) {
            roles.clear();
            roles.addAll(Arrays.asList(v));
            return this;
        }

        /** @param v roles to grant (replaces) @return this */
        public Builder roles(List<String> v) {
            roles.clear();
            roles.addAll(v);
            return this;
        }

        /** @param k GUC @param v value @return this */
        public Builder parameter(String k, String v) {
            parameters.put(Objects.requireNonNull(k), Objects.requireNonNull(v));
            return this;
        }

        /** @param v add to PgBouncer @return this */
        public Builder pgbouncer(boolean v) {
            this.pgbouncer = v;
            return this;
        }

        /** @param v pool mode @return this */
        public Builder poolMode(PoolMode v) {
            this.poolMode = Objects.requireNonNull(v);
            return this;
        }

        /** @param v pool connection limit @return this */
        public Builder poolConnlimit(int v) {
            this.poolConnlimit = v;
            return this;
        }

        /** @param k unknown key @param v raw value @return this */
        public Builder extra(String k, Object v) {
            extra.put(Objects.requireNonNull(k), Objects.requireNonNull(v));
            return this;
        }

        /** @return the user */
        public PgUser build() {
            return new PgUser(name, Optional.ofNullable(password), state, login, inherit, superuser, createdb,
                    createrole, replication, bypassrls, connlimit, Optional.ofNullable(expireIn),
                    Optional.ofNullable(expireAt), Optional.ofNullable(comment), roles, parameters, pgbouncer,
                    Optional.ofNullable(poolMode), poolConnlimit, extra);
        }
    }
}
