package io.pigsty.api.pgsql.internal;

import io.pigsty.model.Secret;
import io.pigsty.api.internal.Unvalidated;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Data for {@code pgsql/pgpass.ftl}: libpq's password file format, escaped. */
public final class Pgpass {
    private Pgpass() {
    }

    /**
     * One credential.
     *
     * @param user     user name
     * @param password its password (a {@link Secret}: this record's {@code toString} never shows it)
     */
    public record Credential(String user, Secret password) {
        /** Canonical constructor: rejects nulls. */
        public Credential {
            java.util.Objects.requireNonNull(user, "user");
            java.util.Objects.requireNonNull(password, "password");
        }
    }

    /**
     * @param creds credentials, first wins for a repeated user
     * @return rows {@code host port db user password}, escaped
     */
    public static List<Map<String, String>> entries(List<Credential> creds) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Credential c : creds) {
            if (out.containsKey(c.user())) {
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("host", "*");
            m.put("port", "*");
            m.put("db", "*");
            m.put("user", escape(c.user()));
            m.put("password", escape(c.password().reveal()));
            out.put(c.user(), m);
        }
        return List.copyOf(new ArrayList<>(out.values()));
    }

    /**
     * @param s a field
     * @return it with {@code \} and {@code :} escaped as libpq expects
     */
    static String escape(String s) {
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw Unvalidated.at(".pgpass", "a user name or password with a line break");
        }
        return s.replace("\\", "\\\\").replace(":", "\\:");
    }
}
