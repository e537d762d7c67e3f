package io.pigsty.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HAProxy service exposed on every member of a cluster ({@code pg_services[]},
 * {@code pg_default_services[]}): a NodePort-style listener whose members are chosen by JMESPath.
 *
 * @param name     short name; the full name is {@code <cluster>-<name>}
 * @param port     listen port on every member
 * @param ip       bind address ({@code *})
 * @param selector JMESPath over the members' vars choosing servers ({@code []} = all)
 * @param backup   JMESPath choosing backup servers (used when all normal servers are down)
 * @param dest     {@code default} (= {@code pg_default_service_dest}), {@code postgres},
 *                 {@code pgbouncer}, or a port number
 * @param check    Patroni REST health path ({@code /primary}, {@code /read-only}, ...)
 * @param maxconn  frontend maxconn (5000)
 * @param balance  {@code roundrobin} or {@code leastconn}
 * @param options  custom HAProxy {@code default-server} options (default: from the RTO plan)
 * @param extra    unknown keys, kept for the round trip
 */
public record PgService(String name, int port, String ip, String selector, Optional<String> backup, String dest,
                        String check, int maxconn, String balance, Optional<String> options, Map<String, Object> extra) {

    /** Canonical constructor: rejects nulls, copies extra. */
    public PgService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(dest, "dest");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(options, "options");
        extra = io.pigsty.model.internal.Frozen.map(extra); // deep: a nested raw value cannot change the model
    }

    /**
     * @param name short name
     * @param port listen port
     * @return a builder with Pigsty's defaults
     */
    public static Builder named(String name, int port) {
        return new Builder(name, port);
    }

    /** @return a builder pre-filled from this service */
    public Builder toBuilder() {
        Builder b = new Builder(name, port);
        b.ip = ip;
        b.selector = selector;
        b.backup = backup.orElse(null);
        b.dest = dest;
        b.check = check;
        b.maxconn = maxconn;
        b.balance = balance;
        b.options = options.orElse(null);
        b.extra.putAll(extra);
        return b;
    }

    /** Builder of {@link PgService}. */
    public static final class Builder {
        private final String name;
        private final int port;
        private String ip = "*";
        private String selector = "[]";
        private String backup;
        private String dest = "default";
        private String check = "/";
        private int maxconn = 5000;
        private String balance = "roundrobin";
        private String options;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder(String name, int port) {
            this.name = Objects.requireNonNull(name, "name");
            this.port = port;
        }

        /** @param v bind address @return this */
        public Builder ip(String v) {
            ip = Objects.requireNonNull(v);
            return this;
        }

        /** @param v JMESPath selector @return this */
        public Builder selector(String v) {
            selector = Objects.requireNonNull(v);
            return this;
        }

        /** @param v JMESPath backup selector @return this */
        public Builder backup(String v) {
            backup = Objects.requireNonNull(v);
            return this;
        }

        /** @param v destination @return this */
        public Builder dest(String v) {
            dest = Objects.requireNonNull(v);
            return this;
        }

        /** @param v health check path @return this */
        public Builder check(String v) {
            check = Objects.requireNonNull(v);
            return this;
        }

        /** @param v maxconn @return this */
        public Builder maxconn(int v) {
            maxconn = v;
            return this;
        }

        /** @param v balance algorithm @return this */
        public Builder balance(String v) {
            balance = Objects.requireNonNull(v);
            return this;
        }

        /** @param v default-server options @return this */
        public Builder options(String v) {
            options = Objects.requireNonNull(v);
            return this;
        }

        /** @param k unknown key @param v raw value @return this */
        public Builder extra(String k, Object v) {
            extra.put(Objects.requireNonNull(k), Objects.requireNonNull(v));
            return this;
        }

        /** @return the service */
        public PgService build() {
            return new PgService(name, port, ip, selector, Optional.ofNullable(backup), dest, check, maxconn, balance,
                    Optional.ofNullable(options), extra);
        }
    }
}
