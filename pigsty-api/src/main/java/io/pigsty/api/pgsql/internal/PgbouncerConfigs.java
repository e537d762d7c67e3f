package io.pigsty.api.pgsql.internal;

import io.pigsty.model.Secret;
import io.pigsty.api.internal.Unvalidated;
import io.pigsty.model.PigstyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Data for the PgBouncer templates ({@code pgbouncer/*.ftl}): database list, per-user options,
 * auth file. Values that land in PgBouncer's own file formats are checked here, because those
 * formats have no quoting for some fields.
 */
public final class PgbouncerConfigs {
    private static final Pattern WORD = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.$-]*$");
    private static final java.util.Set<String> MODES = java.util.Set.of("session", "transaction", "statement");

    private PgbouncerConfigs() {
    }

    /**
     * A pooled database (the model's {@code PgDatabase}, flattened).
     *
     * @param name        database name
     * @param absent      {@code state: absent}
     * @param pgbouncer   {@code pgbouncer} flag
     * @param poolMode    {@code pool_mode}
     * @param poolSize    {@code pool_size}
     * @param poolSizeMin {@code pool_size_min}
     * @param poolReserve {@code pool_reserve}
     * @param poolConnlimit {@code pool_connlimit}
     * @param poolAuthUser  {@code pool_auth_user}
     */
    public record Db(String name, boolean absent, boolean pgbouncer, Optional<String> poolMode, int poolSize,
                     int poolSizeMin, int poolReserve, int poolConnlimit, Optional<String> poolAuthUser) {
    }

    /**
     * A user as PgBouncer sees it.
     *
     * @param name          user name
     * @param password      password or verifier
     * @param pgbouncer     listed in {@code userlist.txt}
     * @param absent        {@code state: absent}
     * @param poolMode      per-user pool mode
     * @param poolConnlimit {@code max_user_connections}, -1 for none
     */
    public record User(String name, Optional<Secret> password, boolean pgbouncer, boolean absent,
                       Optional<String> poolMode, int poolConnlimit) {
    }

    /**
     * @param dbs        pg_databases
     * @param pgHost     where PgBouncer reaches PostgreSQL: the unix socket directory (Pigsty's {@code pg_localhost})
     * @param pgPort     pg_port
     * @return rows {@code name connstr} for {@code database.txt}
     */
    public static List<Map<String, String>> databases(List<Db> dbs, String pgHost, int pgPort) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Db d : dbs) {
            if (!d.pgbouncer() || d.absent()) {
                continue;
            }
            String where = "pg_databases[" + d.name() + "]";
            word(d.name(), where + ".name");
            StringBuilder c = new StringBuilder("host=").append(word(pgHost, "pg_localhost")).append(" port=").append(pgPort)
                    .append(" dbname=").append(d.name());
            d.poolAuthUser().ifPresent(u -> c.append(" auth_user=").append(word(u, where + ".pool_auth_user")));
            d.poolMode().ifPresent(m -> c.append(" pool_mode=").append(mode(m, where + ".pool_mode")));
            c.append(" pool_size=").append(d.poolSize())
                    .append(" min_pool_size=").append(d.poolSizeMin())
                    .append(" reserve_pool=").append(d.poolReserve())
                    .append(" max_db_connections=").append(d.poolConnlimit());
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("connstr", c.toString());
            out.add(m);
        }
        return List.copyOf(out);
    }

    /**
     * @param users default roles followed by pg_users
     * @return rows {@code name opts} for {@code useropts.txt} (users with a pool mode or a connection limit)
     */
    public static List<Map<String, String>> userOptions(List<User> users) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (User u : users) {
            if (u.absent() || (u.poolMode().isEmpty() && u.poolConnlimit() < 0)) {
                continue;
            }
            String where = "pg_users[" + u.name() + "]";
            List<String> opts = new ArrayList<>();
            u.poolMode().ifPresent(m -> opts.add("pool_mode=" + mode(m, where + ".pool_mode")));
            if (u.poolConnlimit() >= 0) {
                opts.add("max_user_connections=" + u.poolConnlimit());
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", word(u.name(), where + ".name"));
            m.put("opts", String.join(" ", opts));
            out.put(u.name(), m); // a later definition of the same user wins, as in Pigsty
        }
        return List.copyOf(out.values());
    }

    /**
     * @param users default roles followed by pg_users
     * @param dbsu  {@code pg_dbsu}: always listed (with an empty password unless it has one),
     *              because PgBouncer 1.18 refuses even a peer login on the unix socket
     *              ("no such user") for a user missing from the auth_file; an empty password
     *              never authenticates a password login
     * @return rows {@code name password}, both already in PgBouncer's double-quoted form, for
     *         {@code userlist.txt}: users with {@code pgbouncer: true} and a password
     */
    public static List<Map<String, String>> userList(List<User> users, String dbsu) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> su = new LinkedHashMap<>();
        su.put("name", quote(dbsu, "pg_dbsu"));
        su.put("password", "\"\"");
        out.put(dbsu, su);
        for (User u : users) {
            if (!u.pgbouncer() || u.absent() || u.password().isEmpty()) {
                if (!u.name().equals(dbsu)) {
                    out.remove(u.name());
                }
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", quote(u.name(), "pg_users[" + u.name() + "].name"));
            m.put("password", quote(u.password().get().reveal(), "pg_users[" + u.name() + "].password"));
            out.put(u.name(), m);
        }
        return List.copyOf(out.values());
    }

    /**
     * PgBouncer's auth_file quoting: a double-quoted word with embedded quotes doubled.
     *
     * @param s     value
     * @param where field named in the error
     * @return the quoted value
     */
    static String quote(String s, String where) {
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\0') >= 0) {
            throw Unvalidated.at(where, "a value with a line break or NUL");
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String word(String s, String where) {
        if (!WORD.matcher(s).matches() && !s.startsWith("/")) {
            throw Unvalidated.at(where, s);
        }
        if (s.startsWith("/") && !Pattern.matches("^/[A-Za-z0-9_./-]*$", s)) {
            throw Unvalidated.at(where, s);
        }
        return s;
    }

    private static String mode(String m, String where) {
        String v = m.toLowerCase(java.util.Locale.ROOT);
        if (!MODES.contains(v)) {
            throw Unvalidated.at(where, m);
        }
        return v;
    }
}
