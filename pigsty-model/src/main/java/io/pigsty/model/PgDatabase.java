package io.pigsty.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A database of a cluster ({@code pg_databases[]}). Only the name is required. Template,
 * strategy, encoding and locale apply only at creation.
 *
 * @param name               database name ({@code ^[A-Za-z_][A-Za-z0-9_$]{0,62}$})
 * @param state              create, absent (DROP ... WITH FORCE) or recreate
 * @param owner              owner (default the dbsu)
 * @param comment            COMMENT ON DATABASE (default {@code business database <name>})
 * @param template           template database (default template1)
 * @param strategy           FILE_COPY or WAL_LOG
 * @param encoding           encoding (default inherited)
 * @param locale             locale
 * @param lcCollate          LC_COLLATE
 * @param lcCtype            LC_CTYPE
 * @param tablespace         default tablespace
 * @param isTemplate         mark as template
 * @param allowconn          allow connections (default true)
 * @param revokeconn         revoke CONNECT from PUBLIC
 * @param connlimit          connection limit (-1 none)
 * @param baseline           SQL file run once at creation
 * @param schemas            schemas to create
 * @param extensions         extensions to create
 * @param parameters         ALTER DATABASE SET
 * @param pgbouncer          expose through PgBouncer (default true)
 * @param poolMode           pool mode
 * @param poolSize           pool size (64)
 * @param poolReserve        reserve pool (32)
 * @param poolSizeMin        min pool size (0)
 * @param poolConnlimit      max database connections (100)
 * @param poolAuthUser       auth_query user
 * @param registerDatasource register as a Grafana datasource (default true)
 * @param extra              unknown keys, kept for the round trip
 */
public record PgDatabase(String name, ObjectState state, Optional<String> owner, Optional<String> comment,
                         Optional<String> template, Optional<String> strategy, Optional<String> encoding,
                         Optional<String> locale, Optional<String> lcCollate, Optional<String> lcCtype,
                         Optional<String> tablespace, boolean isTemplate, boolean allowconn, boolean revokeconn,
                         int connlimit, Optional<String> baseline, List<String> schemas, List<PgExtension> extensions,
                         Map<String, String> parameters, boolean pgbouncer, Optional<PoolMode> poolMode, int poolSize,
                         int poolReserve, int poolSizeMin, int poolConnlimit, Optional<String> poolAuthUser,
                         boolean registerDatasource, Map<String, Object> extra) {

    /** Canonical constructor: rejects nulls, copies collections. */
    public PgDatabase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        for (Optional<?> o : List.of(owner, comment, template, strategy, encoding, locale, lcCollate, lcCtype,
                tablespace, baseline, poolMode, poolAuthUser)) {
            Objects.requireNonNull(o);
        }
        schemas = List.copyOf(schemas);
        extensions = List.copyOf(extensions);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        extra = io.pigsty.model.internal.Frozen.map(extra); // deep: a nested raw value cannot change the model
    }

    /**
     * @param name database name
     * @return a builder with Pigsty's defaults
     */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** @return the comment to apply: the given one or {@code business database <name>} */
    public String effectiveComment() {
        return comment.orElse("business database " + name);
    }

    /** @return a builder pre-filled from this database */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.state = state;
        b.owner = owner.orElse(null);
        b.comment = comment.orElse(null);
        b.template = template.orElse(null);
        b.strategy = strategy.orElse(null);
        b.encoding = encoding.orElse(null);
        b.locale = locale.orElse(null);
        b.lcCollate = lcCollate.orElse(null);
        b.lcCtype = lcCtype.orElse(null);
        b.tablespace = tablespace.orElse(null);
        b.isTemplate = isTemplate;
        b.allowconn = allowconn;
        b.revokeconn = revokeconn;
        b.connlimit = connlimit;
        b.baseline = baseline.orElse(null);
        b.schemas.addAll(schemas);
        b.extensions.addAll(extensions);
        b.parameters.putAll(parameters);
        b.pgbouncer = pgbouncer;
        b.poolMode = poolMode.orElse(null);
        b.poolSize = poolSize;
        b.poolReserve = poolReserve;
        b.poolSizeMin = poolSizeMin;
        b.poolConnlimit = poolConnlimit;
        b.poolAuthUser = poolAuthUser.orElse(null);
        b.registerDatasource = registerDatasource;
        b.extra.putAll(extra);
        return b;
    }

    /** Builder of {@link PgDatabase}; defaults are Pigsty's. */
    public static final class Builder {
        private final String name;
        private ObjectState state = ObjectState.CREATE;
        private String owner;
        private String comment;
        private String template;
        private String strategy;
        private String encoding;
        private String locale;
        private String lcCollate;
        private String lcCtype;
        private String tablespace;
        private boolean isTemplate;
        private boolean allowconn = true;
        private boolean revokeconn;
        private int connlimit = -1;
        private String baseline;
        private final List<String> schemas = new ArrayList<>();
        private final List<PgExtension> extensions = new ArrayList<>();
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private boolean pgbouncer = true;
        private PoolMode poolMode;
        private int poolSize = 64;
        private int poolReserve = 32;
        private int poolSizeMin;
        private int poolConnlimit = 100;
        private String poolAuthUser;
        private boolean registerDatasource = true;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** @param v state @return this */
        public Builder state(ObjectState v) {
            state = Objects.requireNonNull(v);
            return this;
        }

        /** @param v owner @return this */
        public Builder owner(String v) {
            owner = Objects.requireNonNull(v);
            return this;
        }

        /** @param v comment @return this */
        public Builder comment(String v) {
            comment = Objects.requireNonNull(v);
            return this;
        }

        /** @param v template database @return this */
        public Builder template(String v) {
            template = Objects.requireNonNull(v);
            return this;
        }

        /** @param v FILE_COPY or WAL_LOG @return this */
        public Builder strategy(String v) {
            strategy = Objects.requireNonNull(v);
            return this;
        }

        /** @param v encoding @return this */
        public Builder encoding(String v) {
            encoding = Objects.requireNonNull(v);
            return this;
        }

        /** @param v locale @return this */
        public Builder locale(String v) {
            locale = Objects.requireNonNull(v);
            return this;
        }

        /** @param v LC_COLLATE @return this */
        public Builder lcCollate(String v) {
            lcCollate = Objects.requireNonNull(v);
            return this;
        }

        /** @param v LC_CTYPE @return this */
        public Builder lcCtype(String v) {
            lcCtype = Objects.requireNonNull(v);
            return this;
        }

        /** @param v tablespace @return this */
        public Builder tablespace(String v) {
            tablespace = Objects.requireNonNull(v);
            return this;
        }

        /** @param v is template @return this */
        public Builder isTemplate(boolean v) {
            isTemplate = v;
            return this;
        }

        /** @param v allow connections @return this */
        public Builder allowconn(boolean v) {
            allowconn = v;
            return this;
        }

        /** @param v revoke PUBLIC CONNECT @return this */
        public Builder revokeconn(boolean v) {
            revokeconn = v;
            return this;
        }

        /** @param v connection limit @return this */
        public Builder connlimit(int v) {
            connlimit = v;
            return this;
        }

        /** @param v baseline SQL file @return this */
        public Builder baseline(String v) {
            baseline = Objects.requireNonNull(v);
            return this;
        }

        /** @param v schemas (replaces) @return this */
        public Builder schemas(String... v) {
            schemas.clear();
            schemas.addAll(Arrays.asList(v));
            return this;
        }

        /** @param names extensions by name (replaces) @return this */
        public Builder extensions(String... names) {
            extensions.clear();
            Arrays.stream(names).map(PgExtension::of).forEach(extensions::add);
            return this;
        }

        /** @param v one extension to add @return this */
        public Builder extension(PgExtension v) {
            extensions.add(Objects.requireNonNull(v));
            return this;
        }

        /** @param k GUC @param v value @return this */
        public Builder parameter(String k, String v) {
            parameters.put(Objects.requireNonNull(k), Objects.requireNonNull(v));
            return this;
        }

        /** @param v expose through PgBouncer @return this */
        public Builder pgbouncer(boolean v) {
            pgbouncer = v;
            return this;
        }

        /** @param v pool mode @return this */
        public Builder poolMode(PoolMode v) {
            poolMode = Objects.requireNonNull(v);
            return this;
        }

        /** @param v pool size @return this */
        public Builder poolSize(int v) {
            poolSize = v;
            return this;
        }

        /** @param v reserve pool size @return this */
        public Builder poolReserve(int v) {
            poolReserve = v;
            return this;
        }

        /** @param v min pool size @return this */
        public Builder poolSizeMin(int v) {
            poolSizeMin = v;
            return this;
        }

        /** @param v max db connections @return this */
        public Builder poolConnlimit(int v) {
            poolConnlimit = v;
            return this;
        }

        /** @param v auth_query user @return this */
        public Builder poolAuthUser(String v) {
            poolAuthUser = Objects.requireNonNull(v);
            return this;
        }

        /** @param v register as Grafana datasource @return this */
        public Builder registerDatasource(boolean v) {
            registerDatasource = v;
            return this;
        }

        /** @param k unknown key @param v raw value @return this */
        public Builder extra(String k, Object v) {
            extra.put(Objects.requireNonNull(k), Objects.requireNonNull(v));
            return this;
        }

        /** @return the database */
        public PgDatabase build() {
            return new PgDatabase(name, state, Optional.ofNullable(owner), Optional.ofNullable(comment),
                    Optional.ofNullable(template), Optional.ofNullable(strategy), Optional.ofNullable(encoding),
                    Optional.ofNullable(locale), Optional.ofNullable(lcCollate), Optional.ofNullable(lcCtype),
                    Optional.ofNullable(tablespace), isTemplate, allowconn, revokeconn, connlimit,
                    Optional.ofNullable(baseline), schemas, extensions, parameters, pgbouncer,
                    Optional.ofNullable(poolMode), poolSize, poolReserve, poolSizeMin, poolConnlimit,
                    Optional.ofNullable(poolAuthUser), registerDatasource, extra);
        }
    }
}
