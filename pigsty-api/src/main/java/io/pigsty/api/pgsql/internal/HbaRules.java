package io.pigsty.api.pgsql.internal;

import io.pigsty.api.internal.Unvalidated;
import io.pigsty.model.Cidr;
import io.pigsty.model.HbaAuth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Expands Pigsty's typed HBA rules into the lines of {@code pg_hba.conf} / {@code pgb_hba.conf}:
 * address aliases, auth aliases, user placeholders, role filter and order (reference 1.7).
 *
 * <p>The result is a list of plain maps (title, role, enabled, raw lines, structured lines) that
 * the Freemarker templates lay out; all decisions are taken here so that an overriding template
 * cannot get them wrong.
 *
 * <p>Every rule about what a user may write is {@code Inventory.validate()}'s (the model's
 * {@code PgsqlRules}); what is checked here is only asserted: an {@link IllegalStateException}
 * means a caller skipped validation, a bug, not a user mistake.
 */
public final class HbaRules {
    /** Roles a rule may be restricted to; {@code common}/{@code default} match every instance. */
    static final Set<String> ROLES = Set.of("common", "default", "primary", "replica", "offline", "standby", "delayed");
    /** Words that cannot split an HBA line: no whitespace, quotes, hash or control chars. */
    static final Pattern HBA_WORD = Pattern.compile("^[+]?[A-Za-z0-9_.$@-]+$");

    private HbaRules() {
    }

    /**
     * One rule as given by the inventory (the model's {@code HbaRule}, flattened).
     *
     * @param user  user name, {@code all}, {@code +group} or a placeholder such as {@code ${dbsu}}
     * @param db    database name, {@code all} or {@code replication}
     * @param addr  address alias or CIDR; empty when {@code rules} is used
     * @param auth  auth alias
     * @param title comment line
     * @param role  instance role the rule applies to
     * @param order sort key, lower first
     * @param rules raw HBA lines (alternative to addr)
     */
    public record Rule(String user, String db, Optional<String> addr, String auth, Optional<String> title,
                       String role, int order, List<String> rules) {
        /** Canonical constructor: copies lists, rejects nulls. */
        public Rule {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(addr, "addr");
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(role, "role");
            rules = List.copyOf(rules);
        }
    }

    /**
     * Where the rules are rendered.
     *
     * @param dbsu         {@code pg_dbsu}
     * @param repl         {@code pg_replication_username}
     * @param monitor      {@code pg_monitor_username}
     * @param admin        {@code pg_admin_username}
     * @param adminIp      {@code admin_ip}
     * @param infraIps     IPs of the infra group
     * @param clusterIps   IPs of this cluster's members
     * @param intranet     {@code node_firewall_intranet}
     * @param pwdEnc       {@code pg_pwd_enc}: scram-sha-256 or md5
     * @param instanceRole this instance's {@code pg_role}
     * @param offlineQuery this instance's {@code pg_offline_query}
     * @param pgbouncer    true for {@code pgb_hba.conf} (no {@code replication} db, no ident)
     */
    public record Context(String dbsu, String repl, String monitor, String admin, String adminIp,
                          List<String> infraIps, List<String> clusterIps, List<String> intranet,
                          String pwdEnc, String instanceRole, boolean offlineQuery, boolean pgbouncer) {
        /** Canonical constructor: copies lists. */
        public Context {
            infraIps = List.copyOf(infraIps);
            clusterIps = List.copyOf(clusterIps);
            intranet = List.copyOf(intranet);
        }
    }

    /**
     * @param rules   default rules followed by user rules (the stable sort keeps that order for equal {@code order})
     * @param ctx     where they are rendered
     * @param field   inventory key named in errors ({@code pg_hba_rules} or {@code pgb_hba_rules})
     * @return one map per rule, sorted: {@code title role enabled raw lines}; each line
     *         {@code type db user addr method}, and {@code text}: the line laid out in padded columns
     * @throws IllegalStateException when a rule is one {@code Inventory.validate()} refuses (a bug: unvalidated input)
     */
    public static List<Map<String, Object>> expand(List<Rule> rules, Context ctx, String field) {
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt(Rule::order));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Rule r : sorted) {
            String where = field + "[order " + r.order() + (r.title().map(t -> ", '" + t + "'").orElse("")) + "]";
            String role = r.role().isBlank() ? "common" : r.role(); // blank: a Rule built in code
            if (!ROLES.contains(role)) {
                throw Unvalidated.at(where + ".role", role);
            }
            boolean enabled = role.equals("common") || role.equals("default") || role.equals(ctx.instanceRole())
                    || (role.equals("offline") && ctx.offlineQuery());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("title", oneLine(r.title().orElse(describe(r))));
            m.put("role", role);
            m.put("enabled", enabled);
            List<String> raw = new ArrayList<>();
            List<Map<String, String>> lines = new ArrayList<>();
            if (!r.rules().isEmpty()) {
                for (String line : r.rules()) {
                    if (line.contains("\n") || line.contains("\r")) {
                        throw Unvalidated.at(where + ".rules", "a raw rule of several lines");
                    }
                    raw.add(line);
                }
            } else {
                String addr = r.addr().filter(a -> !a.isBlank()).orElseThrow(() -> Unvalidated.at(where + ".addr", ""));
                lines.addAll(expandAddr(r, addr, ctx, where));
            }
            m.put("raw", List.copyOf(raw));
            m.put("lines", List.copyOf(lines));
            out.add(Map.copyOf(m));
        }
        return List.copyOf(out);
    }

    private static String describe(Rule r) {
        return r.user() + "@" + r.db() + " " + r.addr().orElse("raw") + " " + r.auth();
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    private static List<Map<String, String>> expandAddr(Rule r, String addr, Context ctx, String where) {
        String user = placeholder(r.user(), ctx);
        String db = r.db();
        checkWord(user, where + ".user");
        checkWord(db, where + ".db");
        if (ctx.pgbouncer() && (db.equals("replication") || user.startsWith("+"))) {
            throw Unvalidated.at(where, user + "@" + db + " in PgBouncer");
        }
        HbaAuth auth = HbaAuth.parse(r.auth()).orElseThrow(() -> Unvalidated.at(where + ".auth", r.auth()));
        String pwd = ctx.pwdEnc().equals("md5") ? "md5" : "scram-sha-256";
        boolean ssl = switch (auth) {
            case SSL, SSL_SHA, SSL_MD5, CERT -> true;
            default -> false;
        };
        String method = switch (auth) {
            case PWD, SSL -> pwd;
            case SSL_SHA, SCRAM_SHA_256, SHA -> "scram-sha-256";
            case SSL_MD5, MD5 -> "md5";
            case CERT -> "cert";
            case TRUST -> "trust";
            case DENY, REJECT -> "reject";
            case IDENT, OS -> ctx.pgbouncer() ? "peer" : "ident";
            case PEER -> "peer";
        };
        if (auth.socketOnly(ctx.pgbouncer()) && !addr.equals("local")) {
            throw Unvalidated.at(where + ".auth", auth.value() + " on " + addr);
        }
        String hostType = ssl ? "hostssl" : "host";
        List<Map<String, String>> lines = new ArrayList<>();
        switch (addr) {
            case "local" -> lines.add(line("local", db, user, "", localMethod(method)));
            case "localhost" -> {
                lines.add(line("local", db, user, "", localMethod(method)));
                lines.add(line(hostType, db, user, "127.0.0.1/32", method));
                lines.add(line(hostType, db, user, "::1/128", method));
            }
            case "admin" -> lines.add(line(hostType, db, user, cidr(ctx.adminIp(), where + " (admin_ip)"), method));
            case "infra" -> ctx.infraIps().stream().sorted()
                    .forEach(ip -> lines.add(line(hostType, db, user, cidr(ip, where + " (infra)"), method)));
            case "cluster" -> ctx.clusterIps()
                    .forEach(ip -> lines.add(line(hostType, db, user, cidr(ip, where + " (cluster)"), method)));
            case "intra", "intranet" -> ctx.intranet()
                    .forEach(c -> lines.add(line(hostType, db, user, cidr(c, where + " (node_firewall_intranet)"), method)));
            case "world", "all" -> {
                lines.add(line(hostType, db, user, "0.0.0.0/0", method));
                lines.add(line(hostType, db, user, "::/0", method));
            }
            default -> lines.add(line(hostType, db, user, cidr(addr, where + ".addr"), method));
        }
        return lines;
    }

    /** peer is the socket's ident; TLS methods make no sense on a unix socket, the password check stays. */
    private static String localMethod(String method) {
        return method.equals("ident") ? "peer" : method.equals("cert") ? "reject" : method;
    }

    private static String placeholder(String user, Context ctx) {
        return switch (user) {
            case "${dbsu}" -> ctx.dbsu();
            case "${repl}" -> ctx.repl();
            case "${monitor}" -> ctx.monitor();
            case "${admin}" -> ctx.admin();
            default -> user;
        };
    }

    private static void checkWord(String w, String where) {
        if (!hbaWord(w)) {
            throw Unvalidated.at(where, w);
        }
    }

    /** {@link #HBA_WORD} as a loop: every line of every rule of every member is checked. */
    static boolean hbaWord(String w) {
        int start = w.startsWith("+") ? 1 : 0;
        if (w.length() <= start) {
            return false;
        }
        for (int i = start; i < w.length(); i++) {
            char c = w.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '$' || c == '@' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param addr an IPv4/IPv6 address or CIDR
     * @param where field named in the error
     * @return the CIDR, {@code /32} (or {@code /128}) added to a bare address
     */
    static String cidr(String addr, String where) {
        String known = CIDRS.get(addr);
        if (known != null) {
            return known;
        }
        String c = Cidr.parse(addr).map(Cidr::toString).orElseThrow(() -> Unvalidated.at(where, addr));
        if (CIDRS.size() < 16384) { // bounded: addresses come from inventories; each parse ran two regexes
            CIDRS.put(addr, c);
        }
        return c;
    }

    /** Addresses as CIDRs: every member's two HBA files name the same infra, admin and cluster addresses. */
    private static final Map<String, String> CIDRS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, String> line(String type, String db, String user, String addr, String method) {
        // Map.of directly: what Map.copyOf of a LinkedHashMap gave, without building that map first
        return Map.of("type", type, "db", db, "user", user, "addr", addr, "method", method,
                "text", text(type, db, user, addr, method));
    }

    /**
     * The line as the bundled templates lay it out (columns padded as Freemarker's {@code ?right_pad}
     * does: to 8, 18, 18 and 18 characters, an empty address as blanks). Joined here because
     * interpolating and padding five fields per line made the HBA files a tenth of planning;
     * the fields stay in the map for templates that lay lines out otherwise.
     */
    static String text(String type, String db, String user, String addr, String method) {
        // sized for the padded columns and any field longer than its column: the builder never grows
        StringBuilder sb = new StringBuilder(Math.max(type.length(), 8) + Math.max(db.length(), 18) + Math.max(user.length(), 18)
                + Math.max(addr.length(), 18) + 4 + method.length());
        pad(sb, type, 8).append(' ');
        pad(sb, db, 18).append(' ');
        pad(sb, user, 18).append(' ');
        pad(sb, addr, 18).append(' ');
        return sb.append(method).toString();
    }

    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int n = s.length(); n < width; n++) {
            sb.append(' ');
        }
        return sb;
    }
}
