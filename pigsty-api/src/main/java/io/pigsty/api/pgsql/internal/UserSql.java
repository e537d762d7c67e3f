package io.pigsty.api.pgsql.internal;

import io.pigsty.model.Secret;
import io.pigsty.api.internal.Unvalidated;
import io.pigsty.api.quote.SqlQuote;

import io.pigsty.model.PigstyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Data for {@code pgsql/pg-user.sql.ftl} and the read-only query that tells whether a role is
 * already as the inventory wants it. Every identifier and literal goes through {@link SqlQuote}.
 */
public final class UserSql {
    /** Names a file name may be derived from (Pigsty's user regex is stricter). */
    static final Pattern FILE_SAFE = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,62}$");
    private static final Pattern GUC = Pattern.compile("^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$");
    private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");

    private UserSql() {
    }

    /**
     * A role as the inventory describes it (the model's {@code PgUser}, flattened).
     *
     * @param name        role name
     * @param password    plain text, {@code SCRAM-SHA-256$...} or {@code md5...}
     * @param absent      {@code state: absent}
     * @param login       LOGIN
     * @param inherit     INHERIT
     * @param superuser   SUPERUSER
     * @param createdb    CREATEDB
     * @param createrole  CREATEROLE
     * @param replication REPLICATION
     * @param bypassrls   BYPASSRLS
     * @param connlimit   CONNECTION LIMIT
     * @param expireIn    days from the apply date
     * @param expireAt    {@code YYYY-MM-DD}
     * @param comment     COMMENT ON ROLE
     * @param roles       roles granted to it
     * @param parameters  ALTER ROLE SET (value {@code DEFAULT} resets)
     */
    public record User(String name, Optional<Secret> password, boolean absent, boolean login, boolean inherit,
                       boolean superuser, boolean createdb, boolean createrole, boolean replication,
                       boolean bypassrls, int connlimit, Optional<Integer> expireIn, Optional<String> expireAt,
                       String comment, List<String> roles, Map<String, String> parameters) {
        /** Canonical constructor: copies collections. */
        public User {
            Objects.requireNonNull(name, "name");
            roles = List.copyOf(roles);
            parameters = Map.copyOf(new LinkedHashMap<>(parameters));
        }
    }

    /**
     * @param u        the role
     * @param system   names that must never be dropped (dbsu, replication, admin, monitor users)
     * @param dbsu     the bootstrap superuser: its attributes are only ever added, never stripped
     *                 (initdb gives it every attribute; Pigsty's SQL is additive for it too)
     * @return the Freemarker data for {@code pg-user.sql.ftl} under key {@code u}
     * @throws IllegalStateException when the role is one validation refuses (a bug)
     */
    public static Map<String, Object> data(User u, Set<String> system, String dbsu) {
        String where = "pg_users[" + u.name() + "]";
        if (!FILE_SAFE.matcher(u.name()).matches()) {
            throw Unvalidated.at(where + ".name", u.name());
        }
        if (u.absent() && system.contains(u.name())) {
            throw Unvalidated.at(where + ".state", "drop of system role " + u.name());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        String ident = SqlQuote.identifier(u.name());
        m.put("ident", ident);
        m.put("nameLit", SqlQuote.literal(u.name()));
        m.put("absent", u.absent());
        m.put("createLit", SqlQuote.literal("CREATE ROLE " + ident));
        m.put("attrs", attrs(u, u.name().equals(dbsu)));
        m.put("connlimit", u.connlimit());
        m.put("hasPassword", u.password().isPresent());
        m.put("passwordLit", u.password().map(p -> SqlQuote.literal(p.reveal())).orElse(""));
        if (u.expireAt().isPresent() && !DATE.matcher(u.expireAt().get()).matches()) {
            throw Unvalidated.at(where + ".expire_at", u.expireAt().get());
        }
        m.put("expireIn", u.expireIn().map(String::valueOf).orElse(""));
        m.put("expireAtLit", u.expireAt().map(SqlQuote::literal).orElse(""));
        List<Map<String, String>> params = new ArrayList<>();
        u.parameters().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("key", guc(e.getKey(), where + ".parameters"));
            p.put("reset", String.valueOf(e.getValue().equalsIgnoreCase("DEFAULT")));
            p.put("valueLit", SqlQuote.literal(e.getValue()));
            params.add(p);
        });
        m.put("parameters", params);
        m.put("commentLit", SqlQuote.literal(u.comment()));
        m.put("roles", u.roles().stream().map(SqlQuote::identifier).toList());
        return m;
    }

    /**
     * @param u    the role
     * @param dbsu the bootstrap superuser (only its wanted attributes are checked)
     * @return a query printing {@code t} when the role already matches (attributes, limit,
     *         comment, memberships, parameters, fixed expiry) or is absent as wanted; the
     *         password is compared separately ({@link Scram})
     */
    public static String convergedQuery(User u, String dbsu) {
        boolean additive = u.name().equals(dbsu);
        String lit = SqlQuote.literal(u.name());
        if (u.absent()) {
            return "SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = " + lit + ");";
        }
        StringBuilder q = new StringBuilder("SELECT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = ")
                .append(lit)
                .append(attr("rolcanlogin", u.login(), additive))
                .append(attr("rolinherit", u.inherit(), additive))
                .append(attr("rolsuper", u.superuser(), additive))
                .append(attr("rolcreatedb", u.createdb(), additive))
                .append(attr("rolcreaterole", u.createrole(), additive))
                .append(attr("rolreplication", u.replication(), additive))
                .append(attr("rolbypassrls", u.bypassrls(), additive))
                .append(" AND r.rolconnlimit = ").append(u.connlimit())
                .append(" AND pg_catalog.shobj_description(r.oid, 'pg_authid') IS NOT DISTINCT FROM ")
                .append(SqlQuote.literal(u.comment()));
        for (String role : u.roles()) {
            q.append(" AND EXISTS (SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid")
                    .append(" WHERE m.member = r.oid AND g.rolname = ").append(SqlQuote.literal(role)).append(')');
        }
        u.expireAt().ifPresent(d -> q.append(" AND r.rolvaliduntil = ").append(SqlQuote.literal(d)).append("::timestamptz"));
        String cfg = "coalesce((SELECT s.setconfig FROM pg_catalog.pg_db_role_setting s WHERE s.setrole = r.oid"
                + " AND s.setdatabase = 0), '{}'::text[])";
        SettingProbe.append(q, cfg, u.parameters());
        return q.append(");").toString();
    }

    private static String attr(String column, boolean want, boolean additive) {
        return additive && !want ? "" : " AND r." + column + " = " + want;
    }

    private static String attrs(User u, boolean additive) {
        List<String> a = new ArrayList<>();
        a.add(flag(u.login(), "LOGIN", additive));
        a.add(flag(u.inherit(), "INHERIT", additive));
        a.add(flag(u.superuser(), "SUPERUSER", additive));
        a.add(flag(u.createdb(), "CREATEDB", additive));
        a.add(flag(u.createrole(), "CREATEROLE", additive));
        a.add(flag(u.replication(), "REPLICATION", additive));
        a.add(flag(u.bypassrls(), "BYPASSRLS", additive));
        return String.join(" ", a.stream().filter(x -> !x.isEmpty()).toList());
    }

    private static String flag(boolean want, String name, boolean additive) {
        return want ? name : additive ? "" : "NO" + name;
    }

    /**
     * @param key   a setting name such as {@code work_mem} or {@code pg_stat_statements.track}
     * @param where field named in the error
     * @return the name quoted part by part
     */
    static String guc(String key, String where) {
        if (!GUC.matcher(key).matches()) {
            throw Unvalidated.at(where, key);
        }
        return String.join(".", java.util.Arrays.stream(key.split("\\.")).map(SqlQuote::identifier).toList());
    }
}
