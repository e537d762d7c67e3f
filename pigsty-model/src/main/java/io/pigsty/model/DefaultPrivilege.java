package io.pigsty.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of Pigsty's {@code pg_default_privileges} ({@code GRANT SELECT ON TABLES TO
 * dbrole_readonly}), parsed strictly: an inventory string never becomes SQL text as is. The model
 * owns the grammar, so the validator reports a bad entry at its path and the SQL renderer only
 * ever sees parsed entries.
 *
 * @param grant      GRANT (true) or REVOKE
 * @param privileges upper-case privilege keywords
 * @param objects    TABLES, SEQUENCES, FUNCTIONS, ROUTINES, TYPES or SCHEMAS
 * @param grantee    role name (quotes removed)
 */
public record DefaultPrivilege(boolean grant, List<String> privileges, String objects, String grantee) {
    private static final Pattern ENTRY = Pattern.compile(
            "^\\s*(GRANT|REVOKE)\\s+([A-Za-z ,]+?)\\s+ON\\s+(TABLES|SEQUENCES|FUNCTIONS|ROUTINES|TYPES|SCHEMAS)"
                    + "\\s+(TO|FROM)\\s+(\\S+)\\s*;?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern PRIV = Pattern.compile(
            "SELECT|INSERT|UPDATE|DELETE|TRUNCATE|REFERENCES|TRIGGER|USAGE|EXECUTE|CREATE|ALL|ALL PRIVILEGES");

    /** Canonical constructor: copies the list. */
    public DefaultPrivilege {
        privileges = List.copyOf(privileges);
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(grantee, "grantee");
    }

    /**
     * @param entry one {@code pg_default_privileges} string
     * @return what is wrong with it, empty when it parses
     */
    public static Optional<String> problem(String entry) {
        Matcher m = ENTRY.matcher(entry);
        if (!m.matches()) {
            return Optional.of("'" + entry + "' is not of the form "
                    + "'GRANT <privileges> ON <TABLES|SEQUENCES|FUNCTIONS|ROUTINES|TYPES|SCHEMAS> TO <role>'");
        }
        for (String p : m.group(2).split(",")) {
            String v = p.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (!PRIV.matcher(v).matches()) {
                return Optional.of("'" + entry + "': unknown privilege '" + p.strip() + "'");
            }
        }
        if (m.group(1).equalsIgnoreCase("GRANT") != m.group(4).equalsIgnoreCase("TO")) {
            return Optional.of("'" + entry + "': write GRANT ... TO or REVOKE ... FROM");
        }
        return Optional.empty();
    }

    /**
     * @param entry one {@code pg_default_privileges} string
     * @return it parsed
     * @throws InvalidValueException when {@link #problem(String)} finds one
     */
    public static DefaultPrivilege parse(String entry) {
        problem(entry).ifPresent(p -> {
            throw new InvalidValueException("pg_default_privileges", null, p);
        });
        Matcher m = ENTRY.matcher(entry);
        m.matches();
        List<String> privs = new ArrayList<>();
        for (String p : m.group(2).split(",")) {
            privs.add(p.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT));
        }
        String grantee = m.group(5);
        if (grantee.startsWith("\"") && grantee.endsWith("\"") && grantee.length() > 1) {
            grantee = grantee.substring(1, grantee.length() - 1).replace("\"\"", "\"");
        }
        return new DefaultPrivilege(m.group(1).equalsIgnoreCase("GRANT"), privs,
                m.group(3).toUpperCase(Locale.ROOT), grantee);
    }
}
