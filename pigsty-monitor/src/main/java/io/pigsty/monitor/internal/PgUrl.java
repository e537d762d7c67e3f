package io.pigsty.monitor.internal;

import io.pigsty.model.Secret;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A libpq connection URL ({@code postgres://user:pass@host:port/db?sslmode=disable}) turned into
 * what pgjdbc wants. The password is kept out of every string form ({@link #toString()},
 * {@link #masked()}) so it cannot leak into logs or errors.
 *
 * @param host     host name or address
 * @param port     TCP port
 * @param database database name
 * @param user     user name; the OS user when the URL names none (as libpq)
 * @param password password ({@link Secret}), empty when none
 * @param params   remaining URL parameters (sslmode always present)
 */
public record PgUrl(String host, int port, String database, String user, Secret password, Map<String, String> params) {

    /** Copies the parameter map. */
    public PgUrl {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * @param url a libpq URL
     * @return the parsed URL; {@code sslmode=disable} added when absent, as pg_exporter does for its on-host design
     * @throws IllegalArgumentException with a message that never contains the password
     */
    public static PgUrl parse(String url) {
        String safe = maskRaw(url);
        String rest;
        if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else {
            throw new IllegalArgumentException("not a postgres:// or postgresql:// URL: " + safe);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = "";
        String password = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String cred = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = cred.indexOf(':');
            if (colon >= 0) {
                user = decode(cred.substring(0, colon), safe);
                password = decode(cred.substring(colon + 1), safe);
            } else {
                user = decode(cred, safe);
            }
        }
        String host;
        int port = 5432;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unterminated IPv6 address in " + safe);
            }
            host = rest.substring(0, close + 1);
            rest = rest.substring(close + 1);
            if (rest.startsWith(":")) {
                port = port(rest.substring(1), safe);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("unexpected '" + rest + "' after host in " + safe);
            }
        } else {
            if (rest.contains(",")) {
                throw new IllegalArgumentException("multiple hosts are not supported: " + safe);
            }
            int colon = rest.indexOf(':');
            host = colon >= 0 ? rest.substring(0, colon) : rest;
            if (colon >= 0) {
                port = port(rest.substring(colon + 1), safe);
            }
        }
        host = decode(host, safe);
        Map<String, String> params = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String kv : query.split("&")) {
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("bad URL parameter '" + kv + "' in " + safe);
                }
                params.put(decode(kv.substring(0, eq), safe), decode(kv.substring(eq + 1), safe));
            }
        }
        if (params.containsKey("host")) {
            String h = params.remove("host");
            if (h.startsWith("/")) {
                throw new IllegalArgumentException("unix-socket hosts are not supported by JDBC; use 127.0.0.1: " + safe);
            }
            host = h;
        }
        if (params.containsKey("port")) {
            port = port(params.remove("port"), safe);
        }
        if (params.containsKey("user")) {
            user = params.remove("user");
        }
        if (params.containsKey("password")) {
            password = params.remove("password");
        }
        if (params.containsKey("dbname")) {
            path = params.remove("dbname");
        }
        if (host.isEmpty()) {
            host = "localhost"; // libpq would use the unix socket; JDBC cannot, loopback is the on-host equivalent
        }
        if (user.isEmpty()) {
            user = System.getProperty("user.name", ""); // libpq: the OS user, e.g. for pg_exporter's default URL
        }
        String db = decode(path, safe);
        if (db.isEmpty()) {
            db = user.isEmpty() ? "postgres" : user;
        }
        params.putIfAbsent("sslmode", "disable");
        return new PgUrl(host, port, db, user, Secret.of(password), params);
    }

    private static int port(String s, String safe) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + s + "' in " + safe);
        }
    }

    private static String decode(String s, String safe) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad percent-encoding in " + safe);
        }
    }

    /**
     * @param url any string that may be a URL with a password
     * @return it with the password replaced by {@code ******}
     */
    public static String maskRaw(String url) {
        return url.replaceAll("(://[^:/?#@]*:)[^@/?#]*@", "$1******@")
                .replaceAll("(?i)(password=)[^&\\s]*", "$1******");
    }

    /** @return true when the target is PgBouncer's admin console (database {@code pgbouncer}) */
    public boolean isPgbouncer() {
        return "pgbouncer".equals(database);
    }

    /**
     * @param db the database
     * @return the same server, another database
     */
    public PgUrl withDatabase(String db) {
        return new PgUrl(host, port, db, user, password, params);
    }

    /** @return the JDBC URL (no credentials in it) */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * @param connectTimeoutSeconds connect timeout (pgjdbc takes whole seconds)
     * @return the pgjdbc connection properties incl. user and password
     */
    public Properties properties(int connectTimeoutSeconds) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : params.entrySet()) {
            switch (e.getKey()) {
                case "application_name" -> p.setProperty("ApplicationName", e.getValue());
                case "connect_timeout" -> p.setProperty("connectTimeout", e.getValue());
                case "target_session_attrs" -> p.setProperty("targetServerType", e.getValue());
                default -> p.setProperty(e.getKey(), e.getValue());
            }
        }
        if (!user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            p.setProperty("password", password.reveal());
        }
        p.putIfAbsent("ApplicationName", "pg_exporter");
        p.putIfAbsent("connectTimeout", String.valueOf(Math.max(1, connectTimeoutSeconds)));
        p.setProperty("loginTimeout", String.valueOf(Math.max(1, connectTimeoutSeconds) + 1));
        p.putIfAbsent("socketTimeout", "60");
        if (isPgbouncer()) {
            // PgBouncer's admin console speaks only the simple query protocol
            p.setProperty("preferQueryMode", "simple");
            // its version is not a PostgreSQL version, so pgjdbc would follow up with SET commands the
            // console rejects; assuming 9.0 moves those settings into the startup packet instead
            p.setProperty("assumeMinServerVersion", "9.0");
        }
        return p;
    }

    /** @return the URL with the password masked */
    public String masked() {
        StringBuilder sb = new StringBuilder("postgres://");
        if (!user.isEmpty()) {
            sb.append(user);
            if (!password.isEmpty()) {
                sb.append(":******");
            }
            sb.append('@');
        }
        sb.append(host).append(':').append(port).append('/').append(database);
        if (!params.isEmpty()) {
            sb.append('?');
            StringBuilder q = new StringBuilder();
            params.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(k).append('=')
                    .append(k.toLowerCase(java.util.Locale.ROOT).contains("password") ? "******" : v));
            sb.append(q);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return masked();
    }
}
