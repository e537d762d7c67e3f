package io.pigsty.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One alias-based HBA rule ({@code pg_hba_rules[]}, {@code pgb_hba_rules[]} and their defaults).
 *
 * @param user  {@code all}, {@code ${dbsu}}, {@code ${repl}}, {@code ${monitor}}, {@code ${admin}},
 *              a user name or {@code +group}
 * @param db    {@code all}, {@code replication} or a database name
 * @param addr  address alias ({@code local localhost admin infra cluster intra world}) or CIDR;
 *              empty when raw {@code rules} are given
 * @param auth  auth alias ({@code pwd ssl ssl-sha ssl-md5 cert trust deny reject ident peer})
 * @param title comment rendered above the rule
 * @param role  instance role the rule applies to ({@code common} = all)
 * @param order sort key; lower first (defaults 100-650, user rules 1000)
 * @param rules raw HBA lines, an alternative to addr/auth
 * @param extra unknown keys, kept for the round trip
 */
public record HbaRule(String user, String db, Optional<String> addr, String auth, Optional<String> title, String role,
                      int order, List<String> rules, Map<String, Object> extra) {

    /** Canonical constructor: rejects nulls, copies collections. */
    public HbaRule {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(addr, "addr");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(role, "role");
        rules = List.copyOf(rules);
        extra = io.pigsty.model.internal.Frozen.map(extra); // deep: a nested raw value cannot change the model
    }

    /** @return a builder with Pigsty's defaults (user all, db all, auth pwd, role common, order 1000) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param user user word
     * @param db   database word
     * @param addr address alias or CIDR
     * @param auth auth alias
     * @return a builder pre-filled with these
     */
    public static Builder of(String user, String db, String addr, String auth) {
        return new Builder().user(user).db(db).addr(addr).auth(auth);
    }

    /** @return a builder pre-filled from this rule */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.user = user;
        b.db = db;
        b.addr = addr.orElse(null);
        b.auth = auth;
        b.title = title.orElse(null);
        b.role = role;
        b.order = order;
        b.rules.addAll(rules);
        b.extra.putAll(extra);
        return b;
    }

    /** Builder of {@link HbaRule}. */
    public static final class Builder {
        private String user = "all";
        private String db = "all";
        private String addr;
        private String auth = "pwd";
        private String title;
        private String role = "common";
        private int order = 1000;
        private final List<String> rules = new ArrayList<>();
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        /** @param v user word @return this */
        public Builder user(String v) {
            user = Objects.requireNonNull(v);
            return this;
        }

        /** @param v database word @return this */
        public Builder db(String v) {
            db = Objects.requireNonNull(v);
            return this;
        }

        /** @param v address alias or CIDR @return this */
        public Builder addr(String v) {
            addr = Objects.requireNonNull(v);
            return this;
        }

        /** @param v auth alias @return this */
        public Builder auth(String v) {
            auth = Objects.requireNonNull(v);
            return this;
        }

        /** @param v title @return this */
        public Builder title(String v) {
            title = Objects.requireNonNull(v);
            return this;
        }

        /** @param v instance role filter @return this */
        public Builder role(String v) {
            role = Objects.requireNonNull(v);
            return this;
        }

        /** @param v sort order @return this */
        public Builder order(int v) {
            order = v;
            return this;
        }

        /** @param v raw HBA lines (replaces) @return this */
        public Builder rules(String... v) {
            rules.clear();
            rules.addAll(Arrays.asList(v));
            return this;
        }

        /** @param k unknown key @param v raw value @return this */
        public Builder extra(String k, Object v) {
            extra.put(Objects.requireNonNull(k), Objects.requireNonNull(v));
            return this;
        }

        /** @return the rule */
        public HbaRule build() {
            return new HbaRule(user, db, Optional.ofNullable(addr), auth, Optional.ofNullable(title), role, order,
                    rules, extra);
        }
    }
}
