package io.pigsty.monitor.prometheus;

import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import io.pigsty.model.Secret;
import io.pigsty.monitor.CollectorSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The systemd shape of our exporter, modelled on Pigsty's: one JVM per member, the unit
 * {@code pg_exporter} serving PostgreSQL on :9630 and, in the same process, PgBouncer on :9631 (where
 * Pigsty runs a second pg_exporter, {@code pgbouncer_exporter}); {@code pg_exporter-<ins>} for a remote
 * instance. Each unit is configured by an environment file in {@code /etc/default/} with pg_exporter's
 * variable names ({@code PG_EXPORTER_URL}, {@code PG_EXPORTER_CONFIG}, ...; PgBouncer's URL in
 * {@value #PGBOUNCER_URL_ENV}), running {@code java -jar /usr/lib/pigsty/pg-exporter.jar
 * --web.listen-address=:9630 --target name=pgbouncer,url_env=PGBOUNCER_EXPORTER_URL,listen=:9631} as user
 * {@code prometheus} with the collectors in {@value #CONFIG_DIR}. Prometheus scrapes the same two ports
 * as with Pigsty's two processes.
 */
public final class ExporterUnits {
    /** Directory of the collector files (pg_exporter's directory mode). */
    public static final String CONFIG_DIR = "/etc/pg_exporter";
    /** The listen flag, as pg_exporter spells it ({@code --listen} is the exporter's older alias). */
    public static final String LISTEN_FLAG = "--web.listen-address";
    /** The environment variable holding the URL of a member's PgBouncer, in the {@code pg_exporter} env file. */
    public static final String PGBOUNCER_URL_ENV = "PGBOUNCER_EXPORTER_URL";
    /** Pigsty's name of the PgBouncer exporter unit: used when only PgBouncer is exported, and retired otherwise. */
    public static final String PGBOUNCER_UNIT = "pgbouncer_exporter";

    private ExporterUnits() {
    }

    /**
     * A further target served by the same JVM ({@code --target name=..,url_env=..,listen=:port}).
     *
     * @param name   target name (also its log name)
     * @param port   listen port
     * @param urlEnv the environment variable of the env file holding its URL
     * @param url    libpq URL (holds the monitor password)
     */
    public record Extra(String name, int port, String urlEnv, Secret url) {
        /** Canonical constructor: rejects nulls and names the command line cannot carry. */
        public Extra {
            Objects.requireNonNull(url, "url");
            if (!Objects.requireNonNull(name, "name").matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("extra target name: '" + name + "' is not [A-Za-z0-9_.-]+");
            }
            if (!Objects.requireNonNull(urlEnv, "urlEnv").matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("extra target url env: '" + urlEnv + "' is not an environment variable name");
            }
        }
    }

    /**
     * One exporter process.
     *
     * @param name        systemd unit name without {@code .service}, also the env file's name
     * @param description human line
     * @param port        listen port of the main target
     * @param url         libpq URL of the main target (holds the monitor password)
     * @param env         further pg_exporter environment variables, in order
     * @param jvmOptions  JVM flags
     * @param extra       further targets served by the same JVM on ports of their own
     */
    public record Unit(String name, String description, int port, Secret url, Map<String, String> env, String jvmOptions,
                       List<Extra> extra) {
        /** Canonical constructor: rejects nulls, copies env and extra. */
        public Unit {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(jvmOptions, "jvmOptions");
            env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
            extra = List.copyOf(extra);
        }

        /**
         * A unit serving one target.
         *
         * @param name        unit name
         * @param description human line
         * @param port        listen port
         * @param url         libpq URL
         * @param env         further environment variables
         * @param jvmOptions  JVM flags
         */
        public Unit(String name, String description, int port, Secret url, Map<String, String> env, String jvmOptions) {
            this(name, description, port, url, env, jvmOptions, List.of());
        }

        /** @return every port this process listens on, the main target's first */
        public List<Integer> ports() {
            List<Integer> out = new ArrayList<>();
            out.add(port);
            extra.forEach(x -> out.add(x.port()));
            return List.copyOf(out);
        }

        /** @return the ExecStart command line (no secret: URLs are in the env file) */
        public String execStart() {
            StringBuilder b = new StringBuilder("/usr/bin/java ").append(jvmOptions).append(" -jar ")
                    .append(ExporterJar.REMOTE_PATH).append(' ').append(LISTEN_FLAG).append("=:").append(port);
            for (Extra x : extra) {
                b.append(" --target name=").append(x.name()).append(",url_env=").append(x.urlEnv()).append(",listen=:")
                        .append(x.port());
            }
            return b.toString();
        }

        /** @return {@code /etc/systemd/system/<name>.service} */
        public String unitPath() {
            return "/etc/systemd/system/" + name + ".service";
        }

        /** @return {@code /etc/default/<name>} (0600: it holds the password) */
        public String envPath() {
            return "/etc/default/" + name;
        }

        /** @return the unit file */
        public String unitFile() {
            return "# " + name + ".service generated by pigsty-java\n"
                    + "[Unit]\n"
                    + "Description=" + description + "\n"
                    + "Documentation=https://pigsty.io/docs/pg_exporter/\n"
                    + "After=network-online.target\n"
                    + "Wants=network-online.target\n"
                    + "\n"
                    + "[Service]\n"
                    + "Type=simple\n"
                    + "User=prometheus\n"
                    + "Group=prometheus\n"
                    + "EnvironmentFile=" + envPath() + "\n"
                    + "ExecStart=" + execStart() + "\n"
                    + "ExecReload=/bin/kill -HUP $MAINPID\n"
                    + "Restart=on-failure\n"
                    + "RestartSec=5s\n"
                    + "LimitNOFILE=8192\n"
                    + "NoNewPrivileges=true\n"
                    + "ProtectSystem=full\n"
                    + "ProtectHome=true\n"
                    + "PrivateTmp=true\n"
                    + "\n"
                    + "[Install]\n"
                    + "WantedBy=multi-user.target\n";
        }

        /**
         * @return the environment file with pg_exporter's variables; holds the password, so it is written
         *         0600 root (systemd reads it before dropping to user prometheus). Port and JVM flags are in
         *         the unit, where a plan shows them.
         */
        public String envFile() {
            StringBuilder b = new StringBuilder("# ").append(name).append(" environment, generated by pigsty-java\n");
            b.append("PG_EXPORTER_URL='").append(url.reveal().replace("'", "%27")).append("'\n");
            b.append("PG_EXPORTER_CONFIG=").append(CONFIG_DIR).append('\n');
            for (Extra x : extra) {
                b.append(x.urlEnv()).append("='").append(x.url().reveal().replace("'", "%27")).append("'\n");
            }
            env.forEach((k, v) -> b.append(k).append("='").append(v.replace("'", "")).append("'\n"));
            return b.toString();
        }
    }

    /**
     * @param inv the inventory
     * @param c   a cluster
     * @param i   one of its members
     * @return the exporter of that member, one JVM: {@code pg_exporter} serving PostgreSQL (when
     *         {@code pg_exporter_enabled}) and PgBouncer (when both {@code pgbouncer_enabled} and
     *         {@code pgbouncer_exporter_enabled}) on their ports; {@code pgbouncer_exporter} when only
     *         PgBouncer is exported; none when neither
     */
    public static List<Unit> forMember(Inventory inv, PgCluster c, PgInstance i) {
        Resolved r = inv.resolve(c, i);
        String ins = Names.instance(c.name(), i.seq());
        String user = r.get(Params.PG_MONITOR_USERNAME);
        Secret pass = r.get(Params.PG_MONITOR_PASSWORD);
        String jvm = r.get(Params.PG_EXPORTER_JVM_OPTIONS);
        boolean pg = r.get(Params.PG_EXPORTER_ENABLED);
        boolean bouncer = r.get(Params.PGBOUNCER_ENABLED) && r.get(Params.PGBOUNCER_EXPORTER_ENABLED);
        // loopback: covered by Pigsty's "monitor from localhost with password" HBA rule; JDBC has no unix sockets
        Secret bouncerUrl = Secret.of(url(user, pass.reveal(), "127.0.0.1", r.get(Params.PGBOUNCER_PORT), "pgbouncer"));
        int bouncerPort = r.get(Params.PGBOUNCER_EXPORTER_PORT);
        if (pg) {
            Secret url = Secret.of(url(user, pass.reveal(), "127.0.0.1", r.get(Params.PG_PORT), "postgres"));
            List<Extra> extra = bouncer ? List.of(new Extra("pgbouncer", bouncerPort, PGBOUNCER_URL_ENV, bouncerUrl)) : List.of();
            return List.of(new Unit("pg_exporter", "Prometheus exporter for PostgreSQL" + (bouncer ? " and PgBouncer " : " ")
                    + ins + " (pigsty-java pg-exporter)", r.get(Params.PG_EXPORTER_PORT), url, discovery(r), jvm, extra));
        }
        if (bouncer) {
            return List.of(new Unit(PGBOUNCER_UNIT, "Prometheus exporter for PgBouncer " + ins + " (pigsty-java pg-exporter)",
                    bouncerPort, bouncerUrl, Map.of(), jvm));
        }
        return List.of();
    }

    /**
     * @param remote a monitor-only instance
     * @param jvm    JVM flags
     * @return its exporter unit on the infra node, {@code pg_exporter-<ins>}
     */
    public static Unit forRemote(RemoteExporter remote, String jvm) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PG_EXPORTER_AUTO_DISCOVERY", "true");
        return new Unit("pg_exporter-" + remote.ins(), "Prometheus exporter for remote PostgreSQL " + remote.ins()
                + " at " + remote.host() + " (pigsty-java pg-exporter)", remote.port(), remote.url(), env, jvm);
    }

    private static Map<String, String> discovery(Resolved r) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PG_EXPORTER_AUTO_DISCOVERY", String.valueOf(r.get(Params.PG_EXPORTER_AUTO_DISCOVERY)));
        env.put("PG_EXPORTER_EXCLUDE_DATABASE", r.get(Params.PG_EXPORTER_EXCLUDE_DATABASE));
        env.put("PG_EXPORTER_INCLUDE_DATABASE", r.get(Params.PG_EXPORTER_INCLUDE_DATABASE));
        env.put("PG_EXPORTER_CONNECT_TIMEOUT", String.valueOf(r.get(Params.PG_EXPORTER_CONNECT_TIMEOUT)));
        return env;
    }

    /**
     * @param user     user name
     * @param password password
     * @param host     host
     * @param port     port
     * @param db       database
     * @return {@code postgres://user:password@host:port/db?sslmode=disable} with user and password percent-encoded
     */
    static String url(String user, String password, String host, int port, String db) {
        return "postgres://" + enc(user) + ":" + enc(password) + "@" + host + ":" + port + "/" + db + "?sslmode=disable";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** @return the bundled collector files as {@code /etc/pg_exporter/<file>} to content, in load order */
    public static SortedMap<String, String> collectorFiles() {
        // every member's plan deploys them: read the bundled resources once (a copy, as before)
        return new TreeMap<>(Bundled.FILES);
    }

    /** The bundled collector files, read once, on first use (class initialisation is thread-safe). */
    private static final class Bundled {
        static final SortedMap<String, String> FILES = java.util.Collections.unmodifiableSortedMap(read());
    }

    private static SortedMap<String, String> read() {
        SortedMap<String, String> out = new TreeMap<>();
        for (String f : CollectorSet.defaultFiles()) {
            try (InputStream in = CollectorSet.class.getClassLoader().getResourceAsStream(CollectorSet.RESOURCE_DIR + f)) {
                if (in == null) {
                    throw new IllegalStateException("bundled collector missing: " + f);
                }
                out.put(CONFIG_DIR + "/" + f, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
