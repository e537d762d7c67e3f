package io.pigsty.model.internal;

import io.pigsty.model.Cidr;
import io.pigsty.model.DefaultPrivilege;
import io.pigsty.model.HbaAuth;
import io.pigsty.model.HbaRule;
import io.pigsty.model.ObjectState;
import io.pigsty.model.Param;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgDatabase;
import io.pigsty.model.PgUser;
import io.pigsty.model.Resolved;
import io.pigsty.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The PGSQL rules that used to live in the renderers (HBA words, PgBouncer's file formats,
 * passwords that land in {@code .pgpass}/{@code userlist.txt}, role settings, default
 * privileges, system databases): one owner, reported at Pigsty's path before anything renders.
 */
final class PgsqlRules {
    /** A word that cannot split an HBA line: no whitespace, quotes, hash or control chars. */
    static final Pattern HBA_WORD = Pattern.compile("[+]?[A-Za-z0-9_.$@-]+");
    /** A setting name as {@code ALTER ROLE/DATABASE ... SET} takes it. */
    static final Pattern GUC = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    /** What PgBouncer's database.txt can hold unquoted. */
    static final Pattern PGB_WORD = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.$-]*");
    static final Pattern PLAIN_PATH = Pattern.compile("/[A-Za-z0-9_./-]*");
    static final Set<String> SYSTEM_DBS = Set.of("postgres", "template0", "template1");

    private final Findings f;
    private final BiFunction<PgCluster, String, String> where;

    PgsqlRules(Findings f, BiFunction<PgCluster, String, String> where) {
        this.f = f;
        this.where = where;
    }

    void check(PgCluster c, Resolved r) {
        String dbsu = r.get(Params.PG_DBSU);
        for (Param<String> name : List.of(Params.PG_DBSU, Params.PG_ADMIN_USERNAME, Params.PG_MONITOR_USERNAME,
                Params.PG_REPLICATION_USERNAME)) {
            String v = r.get(name);
            if (!Validator.USER_NAME.matcher(v).matches()) {
                f.error(where.apply(c, name.name()), "invalid user name '" + printable(v)
                        + "': must match [a-z_][a-z0-9_]{0,62}");
            }
        }
        String sock = r.get(Params.PG_LOCALHOST);
        if (!PLAIN_PATH.matcher(sock).matches() && !PGB_WORD.matcher(sock).matches()) {
            f.error(where.apply(c, "pg_localhost"), "'" + sock
                    + "' is neither a plain path nor a host name: PgBouncer's database.txt cannot quote it");
        }
        Set<String> system = Set.of(dbsu, r.get(Params.PG_REPLICATION_USERNAME), r.get(Params.PG_ADMIN_USERNAME),
                r.get(Params.PG_MONITOR_USERNAME));
        users(c, "pg_default_roles", r.get(Params.PG_DEFAULT_ROLES), system);
        users(c, "pg_users", r.get(Params.PG_USERS), system);
        pgpass(c, Params.PG_ADMIN_PASSWORD, r);
        pgpass(c, Params.PG_MONITOR_PASSWORD, r);
        pgpass(c, Params.PG_REPLICATION_PASSWORD, r);
        databases(c, r.get(Params.PG_DATABASES));
        r.find(Params.PG_DEFAULT_PRIVILEGES).ifPresent(list -> {
            String base = where.apply(c, Params.PG_DEFAULT_PRIVILEGES.name());
            for (int i = 0; i < list.size(); i++) {
                int n = i;
                DefaultPrivilege.problem(list.get(i)).ifPresent(p -> f.error(base + "[" + n + "]", p));
            }
        });
        hba(c, r, Params.PG_DEFAULT_HBA_RULES, false);
        hba(c, r, Params.PG_HBA_RULES, false);
        hba(c, r, Params.PGB_DEFAULT_HBA_RULES, true);
        hba(c, r, Params.PGB_HBA_RULES, true);
    }

    private void users(PgCluster c, String key, List<PgUser> users, Set<String> system) {
        String base = where.apply(c, key);
        for (int i = 0; i < users.size(); i++) {
            PgUser u = users.get(i);
            String p = base + "[" + i + "]";
            if (u.state() == ObjectState.ABSENT && system.contains(u.name())
                    && !io.pigsty.model.Defaults.SYSTEM_USERS.contains(u.name())) {
                // the built-in names are reported by the validator's own rule; this adds renamed ones
                f.error(p + ".state", "system user " + u.name() + " cannot be dropped");
            }
            u.parameters().keySet().stream().sorted().filter(k -> !GUC.matcher(k).matches())
                    .forEach(k -> f.error(p + ".parameters." + k, "'" + k + "' is not a setting name"));
            u.parameters().forEach((k, v) -> {
                if (v.indexOf('\0') >= 0) {
                    f.error(p + ".parameters." + k, "a setting value cannot contain NUL");
                }
            });
            u.comment().filter(x -> x.indexOf('\0') >= 0).ifPresent(x -> f.error(p + ".comment", "cannot contain NUL"));
            u.password().ifPresent(pw -> {
                if (pw.reveal().indexOf('\0') >= 0) {
                    f.error(p + ".password", "a password cannot contain NUL");
                } else if (u.pgbouncer() && u.state() != ObjectState.ABSENT && hasLineBreak(pw)) {
                    f.error(p + ".password", "PgBouncer lists this user in userlist.txt, which cannot hold a line break");
                }
            });
        }
    }

    /** The default credentials are written to the dbsu's {@code .pgpass}: one line each. */
    private void pgpass(PgCluster c, Param<Secret> param, Resolved r) {
        Secret s = r.get(param);
        if (hasLineBreak(s) || s.reveal().indexOf('\0') >= 0) {
            f.error(where.apply(c, param.name()), "the password is written to .pgpass and userlist.txt, "
                    + "which cannot hold a line break or NUL");
        }
    }

    private static boolean hasLineBreak(Secret s) {
        String v = s.reveal();
        return v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
    }

    private void databases(PgCluster c, List<PgDatabase> dbs) {
        String base = where.apply(c, "pg_databases");
        for (int i = 0; i < dbs.size(); i++) {
            PgDatabase d = dbs.get(i);
            String p = base + "[" + i + "]";
            if (SYSTEM_DBS.contains(d.name()) && d.state() != ObjectState.CREATE) {
                f.error(p + ".state", "system database " + d.name() + " cannot be dropped or recreated");
            }
            d.poolAuthUser().filter(u -> !Validator.USER_NAME.matcher(u).matches())
                    .ifPresent(u -> f.error(p + ".pool_auth_user", "invalid user name '" + u + "'"));
            d.parameters().keySet().stream().sorted().filter(k -> !GUC.matcher(k).matches())
                    .forEach(k -> f.error(p + ".parameters." + k, "'" + k + "' is not a setting name"));
            d.comment().filter(x -> x.indexOf('\0') >= 0).ifPresent(x -> f.error(p + ".comment", "cannot contain NUL"));
        }
    }

    private void hba(PgCluster c, Resolved r, Param<List<HbaRule>> param, boolean pgbouncer) {
        List<HbaRule> rules = r.get(param);
        String base = where.apply(c, param.name());
        Map<String, String> placeholders = Map.of("${dbsu}", r.get(Params.PG_DBSU),
                "${repl}", r.get(Params.PG_REPLICATION_USERNAME), "${monitor}", r.get(Params.PG_MONITOR_USERNAME),
                "${admin}", r.get(Params.PG_ADMIN_USERNAME));
        for (int i = 0; i < rules.size(); i++) {
            HbaRule h = rules.get(i);
            String p = base + "[" + i + "]";
            if (!Validator.HBA_ROLES.contains(h.role().isBlank() ? "common" : h.role())) {
                f.error(p + ".role", "unknown role '" + h.role()
                        + "' (expected common, primary, replica, offline, standby or delayed)");
            }
            for (int j = 0; j < h.rules().size(); j++) {
                String line = h.rules().get(j);
                if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0 || line.indexOf('\0') >= 0) {
                    f.error(p + ".rules[" + j + "]", "a raw HBA rule must be one line");
                }
            }
            h.title().filter(t -> t.indexOf('\0') >= 0).ifPresent(t -> f.error(p + ".title", "cannot contain NUL"));
            if (!h.rules().isEmpty() && h.addr().isEmpty()) {
                continue; // raw form: user, db and auth are not used
            }
            if (h.user().isBlank() || h.db().isBlank()) {
                f.error(p, "user and db must not be empty");
                continue;
            }
            String user = placeholders.getOrDefault(h.user(), h.user());
            String db = h.db();
            if (!HBA_WORD.matcher(user).matches()) {
                f.error(p + ".user", "'" + printable(h.user()) + "' cannot be written as one HBA word "
                        + "(letters, digits, _ . $ @ -, a leading + for a group)");
            } else if (pgbouncer && user.startsWith("+")) {
                f.error(p + ".user", "PgBouncer's HBA has no group names ('" + user + "')");
            }
            if (!HBA_WORD.matcher(db).matches() || db.startsWith("+")) {
                f.error(p + ".db", "'" + printable(h.db()) + "' cannot be written as one HBA word "
                        + "(letters, digits, _ . $ @ -)");
            } else if (pgbouncer && db.equals("replication")) {
                f.error(p + ".db", "pgbouncer has no replication database");
            }
            var auth = HbaAuth.parse(h.auth());
            if (auth.isEmpty()) {
                f.error(p + ".auth", "unknown auth alias '" + printable(h.auth()) + "' (expected "
                        + HbaAuth.vocabulary() + ")");
            }
            h.addr().ifPresent(a -> {
                if (!Validator.ADDR_ALIASES.contains(a) && Cidr.parse(a).isEmpty()) {
                    f.error(p + ".addr", "unknown address alias '" + printable(a) + "' (expected local, localhost, admin, "
                            + "infra, cluster, intra, world or a CIDR)");
                } else if (auth.isPresent() && auth.get().socketOnly(pgbouncer) && !a.equals("local")) {
                    f.error(p + ".auth", h.auth() + " works on the unix socket only (addr: local), not '" + a + "'");
                }
            });
        }
    }

    /** Control characters shown escaped, so the message itself stays one line. */
    static String printable(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
                .replace("\0", "\\0");
    }
}
