package io.pigsty.api.pgsql.internal;

import io.pigsty.api.quote.SqlQuote;

import io.pigsty.api.internal.Unvalidated;
import io.pigsty.model.DefaultPrivilege;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns Pigsty's {@code pg_default_privileges} entries ({@code GRANT SELECT ON TABLES TO
 * dbrole_readonly}) into {@code ALTER DEFAULT PRIVILEGES FOR ROLE ...} statements with the role
 * names quoted. Entries are parsed strictly rather than pasted: an inventory string never
 * becomes SQL text as is.
 */
public final class PrivilegeSql {
    private PrivilegeSql() {
    }

    /**
     * One parsed entry.
     *
     * @param grant      GRANT (true) or REVOKE
     * @param privileges upper-case privilege keywords
     * @param objects    TABLES, SEQUENCES, FUNCTIONS, ROUTINES, TYPES or SCHEMAS
     * @param grantee    role name
     */
    public record Entry(boolean grant, List<String> privileges, String objects, String grantee) {
    }

    /**
     * @param entry one {@code pg_default_privileges} string
     * @return it parsed by the model's grammar ({@link DefaultPrivilege})
     * @throws IllegalStateException when validation would refuse the entry (a bug)
     */
    public static Entry parse(String entry) {
        // every cluster of an inventory shares Pigsty's default entries: parse each string once
        Entry known = PARSED.get(entry);
        if (known != null) {
            return known;
        }
        DefaultPrivilege.problem(entry).ifPresent(p -> {
            throw Unvalidated.at("pg_default_privileges", entry);
        });
        DefaultPrivilege d = DefaultPrivilege.parse(entry);
        Entry e = new Entry(d.grant(), d.privileges(), d.objects(), d.grantee());
        if (PARSED.size() > 10_000) {
            PARSED.clear(); // bounded: a long-running JVM may see many inventories
        }
        PARSED.put(entry, e);
        return e;
    }

    private static final java.util.Map<String, Entry> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param entries  {@code pg_default_privileges}
     * @param forRoles roles whose future objects get these privileges (dbsu, admin user, dbrole_admin)
     * @return one statement per role and entry
     */
    public static List<String> statements(List<String> entries, List<String> forRoles) {
        List<String> out = new ArrayList<>();
        for (String role : forRoles.stream().distinct().toList()) {
            for (String e : entries) {
                Entry p = parse(e);
                out.add("ALTER DEFAULT PRIVILEGES FOR ROLE " + SqlQuote.identifier(role) + " "
                        + (p.grant() ? "GRANT " : "REVOKE ") + String.join(", ", p.privileges()) + " ON " + p.objects()
                        + (p.grant() ? " TO " : " FROM ") + SqlQuote.identifier(p.grantee()) + ";");
            }
        }
        return List.copyOf(out);
    }

    /**
     * @param entries  {@code pg_default_privileges}
     * @param forRoles roles as in {@link #statements}
     * @return a query printing {@code t} when every GRANT entry is present in the current
     *         database's {@code pg_default_acl}
     */
    public static String convergedQuery(List<String> entries, List<String> forRoles) {
        return "SELECT " + condition(entries, forRoles) + ";";
    }

    /**
     * @param entries  {@code pg_default_privileges}
     * @param forRoles roles as in {@link #statements}
     * @return the boolean SQL expression behind {@link #convergedQuery}
     */
    public static String condition(List<String> entries, List<String> forRoles) {
        // every cluster of an inventory usually has the same default privileges and owners: the condition (a few
        // kilobytes of SQL built clause by clause) is made once per distinct pair; entries and role names are
        // inventory words, never secrets
        List<List<String>> key = List.of(List.copyOf(entries), List.copyOf(forRoles));
        String known = CONDITIONS.get(key);
        if (known == null) {
            known = buildCondition(key.get(0), key.get(1));
            if (CONDITIONS.size() < 256) { // bounded: the pairs come from inventories
                CONDITIONS.put(key, known);
            }
        }
        return known;
    }

    /** Conditions by (entries, roles); immutable keys and values. */
    private static final java.util.Map<List<List<String>>, String> CONDITIONS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String buildCondition(List<String> entries, List<String> forRoles) {
        StringBuilder q = new StringBuilder(1024).append("true");
        for (String role : forRoles.stream().distinct().toList()) {
            for (String e : entries) {
                Entry p = parse(e);
                if (!p.grant()) {
                    continue;
                }
                String type = switch (p.objects()) {
                    case "TABLES" -> "r";
                    case "SEQUENCES" -> "S";
                    case "FUNCTIONS", "ROUTINES" -> "f";
                    case "TYPES" -> "T";
                    default -> "n";
                };
                for (String priv : p.privileges()) {
                    if (priv.startsWith("ALL")) {
                        continue;
                    }
                    q.append(" AND EXISTS (SELECT FROM pg_catalog.pg_default_acl d, pg_catalog.aclexplode(d.defaclacl) a")
                            .append(" WHERE d.defaclrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ")
                            .append(SqlQuote.literal(role)).append(") AND d.defaclnamespace = 0 AND d.defaclobjtype = ")
                            .append(SqlQuote.literal(type))
                            .append(" AND a.grantee = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ")
                            .append(SqlQuote.literal(p.grantee())).append(") AND a.privilege_type = ")
                            .append(SqlQuote.literal(priv)).append(')');
                }
            }
        }
        return q.toString();
    }
}
