package io.pigsty.monitor;

import io.pigsty.monitor.internal.BuildInfo;
import io.pigsty.monitor.internal.PgUrl;
import io.pigsty.monitor.internal.YamlNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Command line with pg_exporter v1.4.1's flags and environment variables, plus serving several
 * targets from one JVM: {@code java -jar pg-exporter.jar -u postgres://user:pass@host:5432/postgres}, or
 * {@code --target name=pgsql,url=...,listen=:9630 --target name=pgbouncer,url=.../pgbouncer,listen=:9631},
 * or {@code --targets-file /etc/pg_exporter/targets.yml}. See {@link #USAGE}.
 */
public final class ExporterMain {
    private ExporterMain() {
    }

    /** pg_exporter's default target: the local server through libpq defaults. */
    static final String DEFAULT_URL = "postgresql:///?sslmode=disable";
    /** pg_exporter's config search path after {@code --config} and {@code PG_EXPORTER_CONFIG}. */
    static final List<String> CONFIG_CANDIDATES = List.of("pg_exporter.yml", "/etc/pg_exporter.yml", "/etc/pg_exporter");

    /** One served target: its URL and listen address; the rest inherits the global flags unless set. */
    static final class TargetSpec {
        String name;
        String url;
        String listen;
        String config;
        String namespace;
        String telemetryPath;
        Map<String, String> labels;
        List<String> tags;
        Boolean autoDiscovery;
        List<String> exclude;
        List<String> include;
        Boolean disableCache;
        Boolean disableIntro;
        Long connectTimeoutMs;
    }

    /** Parsed command line and environment. */
    static final class Options {
        String url;
        /** Where {@link #url} came from, for the log: flag, env var or default. */
        String urlSource = "default";
        String config;
        String listen = ":9630";
        String telemetryPath = "/metrics";
        final Map<String, String> labels = new LinkedHashMap<>();
        final List<String> tags = new ArrayList<>();
        boolean autoDiscovery = true;
        List<String> exclude;
        List<String> include;
        boolean disableCache;
        boolean disableIntro;
        boolean failFast;
        String namespace;
        long connectTimeoutMs = 100;
        boolean explain;
        boolean dryRun;
        boolean help;
        boolean version;
        String logLevel = "info";
        String logFormat = "logfmt";
        final List<TargetSpec> targets = new ArrayList<>();
        String targetsFile;
    }

    static final String USAGE = String.join("\n",
            "usage: java -jar pg-exporter.jar [flags]      (pg_exporter v1.4.1 flags; env vars in brackets)",
            "  -u, --url URL                  libpq URL postgres://user:pass@host:port/db [PG_EXPORTER_URL, PGURL,",
            "                                 PG_EXPORTER_URL_FILE]; default " + DEFAULT_URL,
            "  -c, --config PATH              collector YAML file or directory [PG_EXPORTER_CONFIG]; default: the first of",
            "                                 ./pg_exporter.yml, /etc/pg_exporter.yml, /etc/pg_exporter, else the shipped set",
            "      --web.listen-address ADDR  [host]:port to listen on (default :9630; alias --listen)",
            "                                 [PG_EXPORTER_LISTEN_ADDRESS, as pg_exporter before v1]",
            "  -P, --web.telemetry-path PATH  metrics path (default /metrics) [PG_EXPORTER_TELEMETRY_PATH]",
            "  -l, --label k=v,k2=v2          constant labels added to every series [PG_EXPORTER_LABEL]",
            "  -t, --tag a,b                  exporter tags, matched against collector tags [PG_EXPORTER_TAG]",
            "  -a, --[no-]auto-discovery      run per-database collectors in every database (default true)",
            "                                 [PG_EXPORTER_AUTO_DISCOVERY]; --auto-discovery=false also works",
            "  -x, --exclude-database a,b     never discovered (default template0,template1,postgres) [PG_EXPORTER_EXCLUDE_DATABASE]",
            "  -i, --include-database a,b     only these are discovered [PG_EXPORTER_INCLUDE_DATABASE]",
            "  -C, --[no-]disable-cache       ignore collector ttl [PG_EXPORTER_DISABLE_CACHE]",
            "  -m, --[no-]disable-intro       drop the built-in and self-metrics [PG_EXPORTER_DISABLE_INTRO]",
            "  -n, --namespace NAME           prefix of the built-in metrics (default pg, or pgbouncer) [PG_EXPORTER_NAMESPACE]",
            "  -f, --[no-]fail-fast           exit when the target cannot be reached at start [PG_EXPORTER_FAIL_FAST]",
            "  -T, --connect-timeout MS       connect timeout in ms (default 100; JDBC rounds up to whole seconds)",
            "                                 [PG_EXPORTER_CONNECT_TIMEOUT]",
            "  -D, --dry-run                  print the collectors of the config and exit",
            "  -E, --explain                  scrape once, print the plan and exit",
            "      --log.level LEVEL          debug|info|warn|error (default info)",
            "      --log.format FORMAT        logfmt|json (accepted; the format is slf4j-simple's)",
            "      --target SPEC              serve one more target from this JVM, repeatable:",
            "                                 name=N,url=URL,listen=[host]:port[,config=PATH][,namespace=NS][,path=/metrics]",
            "                                 (url_env=VAR reads the URL from an environment variable); with",
            "                                 --web.listen-address given too, the --url target is served as well",
            "      --targets-file FILE        the same as YAML: targets: [ {name, url | url_file | url_env, listen, config, namespace,",
            "                                 telemetry_path, labels: {k: v}, tags: [..], auto_discovery, exclude_database,",
            "                                 include_database, disable_cache, disable_intro, connect_timeout} ]",
            "      --version                  print the version and exit",
            "  -h, --help                     this text",
            "  SIGHUP (and SIGUSR1 where the JVM allows) reloads the config of every target, as POST /reload does.");

    private static final Map<String, String> SHORT = Map.ofEntries(Map.entry("-u", "--url"), Map.entry("-c", "--config"),
            Map.entry("-l", "--label"), Map.entry("-t", "--tag"), Map.entry("-C", "--disable-cache"),
            Map.entry("-m", "--disable-intro"), Map.entry("-a", "--auto-discovery"), Map.entry("-x", "--exclude-database"),
            Map.entry("-i", "--include-database"), Map.entry("-n", "--namespace"), Map.entry("-f", "--fail-fast"),
            Map.entry("-T", "--connect-timeout"), Map.entry("-P", "--web.telemetry-path"), Map.entry("-D", "--dry-run"),
            Map.entry("-E", "--explain"), Map.entry("-h", "--help"));
    private static final List<String> VALUE_FLAGS = List.of("--url", "--config", "--listen", "--web.listen-address",
            "--web.telemetry-path", "--label", "--tag", "--exclude-database", "--include-database", "--namespace",
            "--connect-timeout", "--log.level", "--log.format", "--target", "--targets-file", "--web.config.file");
    private static final List<String> BOOL_FLAGS = List.of("--auto-discovery", "--disable-cache", "--disable-intro",
            "--fail-fast", "--dry-run", "--explain", "--help", "--version");

    static Options parse(String[] args, Map<String, String> env) {
        return parse(args, env, p -> Files.exists(p));
    }

    static Options parse(String[] args, Map<String, String> env, Predicate<Path> exists) {
        Options o = new Options();
        List<String> problems = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String flag = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("-") && eq > 0) {
                flag = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (!flag.startsWith("--") && flag.length() > 2 && SHORT.containsKey(flag.substring(0, 2))
                    && VALUE_FLAGS.contains(SHORT.get(flag.substring(0, 2)))) {
                value = a.substring(2); // -uURL
                flag = flag.substring(0, 2);
            }
            flag = SHORT.getOrDefault(flag, flag);
            Boolean bool = null;
            if (flag.startsWith("--no-") && BOOL_FLAGS.contains("--" + flag.substring(5))) {
                if (value != null) {
                    problems.add(flag + " takes no value");
                    continue;
                }
                bool = false;
                flag = "--" + flag.substring(5);
            } else if (BOOL_FLAGS.contains(flag)) {
                bool = true;
                if (value != null) {
                    Boolean b = parseBool(value);
                    if (b == null) {
                        problems.add(flag + ": '" + value + "' is not true or false");
                        continue;
                    }
                    bool = b;
                }
            } else if (VALUE_FLAGS.contains(flag)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        problems.add(flag + " needs a value");
                        continue;
                    }
                    value = args[++i];
                }
            } else {
                problems.add("unknown flag '" + a + "'");
                continue;
            }
            seen.add(flag);
            switch (flag) {
                case "--url" -> {
                    o.url = value;
                    o.urlSource = "command line";
                }
                case "--config" -> o.config = value;
                case "--listen", "--web.listen-address" -> o.listen = value;
                case "--web.telemetry-path" -> o.telemetryPath = value;
                case "--label" -> labels(value, "--label", o.labels, problems);
                case "--tag" -> o.tags.addAll(split(value));
                case "--exclude-database" -> o.exclude = split(value);
                case "--include-database" -> o.include = split(value);
                case "--namespace" -> o.namespace = value.isBlank() ? null : value.strip();
                case "--connect-timeout" -> o.connectTimeoutMs = millis(value, "--connect-timeout", problems);
                case "--log.level" -> o.logLevel = value;
                case "--log.format" -> o.logFormat = value;
                case "--target" -> o.targets.add(targetSpec(value, env, problems));
                case "--targets-file" -> o.targetsFile = value;
                case "--web.config.file" -> problems.add("--web.config.file (TLS, basic auth) is not supported by this"
                        + " exporter; put a TLS proxy in front, or listen on a private address");
                case "--auto-discovery" -> o.autoDiscovery = bool;
                case "--disable-cache" -> o.disableCache = bool;
                case "--disable-intro" -> o.disableIntro = bool;
                case "--fail-fast" -> o.failFast = bool;
                case "--dry-run" -> o.dryRun = bool;
                case "--explain" -> o.explain = bool;
                case "--help" -> o.help = bool;
                case "--version" -> o.version = bool;
                default -> problems.add("unknown flag '" + a + "'");
            }
        }
        // environment, as pg_exporter's kingpin Envar: used when the flag is absent
        envString(env, "PG_EXPORTER_LABEL", seen, "--label", v -> labels(v, "PG_EXPORTER_LABEL", o.labels, problems));
        envString(env, "PG_EXPORTER_TAG", seen, "--tag", v -> o.tags.addAll(split(v)));
        envString(env, "PG_EXPORTER_EXCLUDE_DATABASE", seen, "--exclude-database", v -> o.exclude = split(v));
        envString(env, "PG_EXPORTER_INCLUDE_DATABASE", seen, "--include-database", v -> o.include = split(v));
        envString(env, "PG_EXPORTER_NAMESPACE", seen, "--namespace", v -> o.namespace = v.isBlank() ? null : v.strip());
        envString(env, "PG_EXPORTER_TELEMETRY_PATH", seen, "--web.telemetry-path", v -> o.telemetryPath = v);
        // pg_exporter before v1 read the listen address from this variable (v1's exporter-toolkit flag has none)
        String listenEnv = env.getOrDefault("PG_EXPORTER_LISTEN_ADDRESS", "").strip();
        boolean listenFromEnv = !listenEnv.isEmpty() && !seen.contains("--listen") && !seen.contains("--web.listen-address");
        if (listenFromEnv) {
            o.listen = listenEnv;
        }
        envString(env, "PG_EXPORTER_CONNECT_TIMEOUT", seen, "--connect-timeout",
                v -> o.connectTimeoutMs = millis(v, "PG_EXPORTER_CONNECT_TIMEOUT", problems));
        envBool(env, "PG_EXPORTER_AUTO_DISCOVERY", seen, "--auto-discovery", b -> o.autoDiscovery = b, problems);
        envBool(env, "PG_EXPORTER_DISABLE_CACHE", seen, "--disable-cache", b -> o.disableCache = b, problems);
        envBool(env, "PG_EXPORTER_DISABLE_INTRO", seen, "--disable-intro", b -> o.disableIntro = b, problems);
        envBool(env, "PG_EXPORTER_FAIL_FAST", seen, "--fail-fast", b -> o.failFast = b, problems);
        if (o.url == null) {
            resolveUrl(o, env, problems);
        }
        if (o.config == null) {
            o.config = resolveConfig(env, exists);
        }
        if (!o.help && !o.version) {
            try {
                listenAddress(o.listen);
            } catch (IllegalArgumentException e) {
                // name where the address came from: the flag, or pg_exporter's older environment variable
                problems.add(listenFromEnv ? e.getMessage().replace("--listen:", "PG_EXPORTER_LISTEN_ADDRESS:") : e.getMessage());
            }
            String pathProblem = Exporter.telemetryPathProblem(o.telemetryPath);
            if (pathProblem != null) {
                problems.add(pathProblem);
            }
            if (o.targetsFile != null) {
                readTargetsFile(Path.of(o.targetsFile), o, env, problems);
            }
            boolean listenGiven = seen.contains("--web.listen-address") || seen.contains("--listen") || listenFromEnv;
            if (!o.targets.isEmpty() && listenGiven) {
                // pg_exporter's own target (--url / PG_EXPORTER_URL on --web.listen-address) plus the extra ones:
                // how one JVM serves PostgreSQL on :9630 and PgBouncer on :9631 for a systemd unit
                o.targets.add(0, mainTarget(o));
            } else if (!o.targets.isEmpty() && seen.contains("--url")) {
                problems.add("--url and --target/--targets-file exclude each other unless --web.listen-address is given"
                        + " too: give the URL in the target, or the main target's listen address");
            }
            checkTargets(o, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return o;
    }

    /** pg_exporter's precedence: flag, PG_EXPORTER_URL, PGURL, the file named by PG_EXPORTER_URL_FILE, the default. */
    private static void resolveUrl(Options o, Map<String, String> env, List<String> problems) {
        for (String var : List.of("PG_EXPORTER_URL", "PGURL")) {
            String v = env.get(var);
            if (v != null && !v.isEmpty()) {
                o.url = v;
                o.urlSource = var;
                return;
            }
        }
        String file = env.get("PG_EXPORTER_URL_FILE");
        if (file != null && !file.isEmpty()) {
            try {
                o.url = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                o.urlSource = "PG_EXPORTER_URL_FILE " + file;
            } catch (IOException e) {
                problems.add("PG_EXPORTER_URL_FILE=" + file + ": cannot read the URL: " + e.getMessage());
            }
            return;
        }
        o.url = DEFAULT_URL;
        o.urlSource = "default";
    }

    /**
     * @param env    environment
     * @param exists file test (replaceable in tests)
     * @return PG_EXPORTER_CONFIG, else the first existing of {@link #CONFIG_CANDIDATES}, else null (the shipped set)
     */
    static String resolveConfig(Map<String, String> env, Predicate<Path> exists) {
        String v = env.get("PG_EXPORTER_CONFIG");
        if (v != null && !v.isEmpty()) {
            return v;
        }
        for (String c : CONFIG_CANDIDATES) {
            if (exists.test(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    private static void envString(Map<String, String> env, String var, java.util.Set<String> seen, String flag,
                                  java.util.function.Consumer<String> set) {
        String v = env.get(var);
        if (v != null && !seen.contains(flag)) {
            set.accept(v);
        }
    }

    private static void envBool(Map<String, String> env, String var, java.util.Set<String> seen, String flag,
                                java.util.function.Consumer<Boolean> set, List<String> problems) {
        String v = env.get(var);
        if (v == null || seen.contains(flag) || v.isEmpty()) {
            return;
        }
        Boolean b = parseBool(v);
        if (b == null) {
            problems.add(var + ": '" + v + "' is not true or false");
        } else {
            set.accept(b);
        }
    }

    /** Go's strconv.ParseBool, which kingpin uses. */
    static Boolean parseBool(String v) {
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
            case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static long millis(String v, String what, List<String> problems) {
        try {
            long ms = Long.parseLong(v.strip());
            if (ms <= 0) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException e) {
            problems.add(what + ": '" + v + "' is not a positive number of milliseconds");
            return 100;
        }
    }

    private static void labels(String value, String what, Map<String, String> into, List<String> problems) {
        for (String kv : split(value)) {
            int e = kv.indexOf('=');
            if (e <= 0) {
                problems.add(what + ": '" + kv + "' is not k=v");
            } else if (!kv.substring(0, e).strip().matches("[a-zA-Z_][a-zA-Z0-9_]*") || kv.startsWith("__")) {
                problems.add(what + ": '" + kv.substring(0, e) + "' is not a valid label name");
            } else if (!kv.substring(e + 1).isBlank()) {
                into.put(kv.substring(0, e).strip(), kv.substring(e + 1).strip());
            }
        }
    }

    private static TargetSpec targetSpec(String value, Map<String, String> env, List<String> problems) {
        TargetSpec t = new TargetSpec();
        for (String kv : value.split(",")) {
            int e = kv.indexOf('=');
            if (e <= 0) {
                problems.add("--target: '" + PgUrl.maskRaw(kv) + "' is not key=value");
                continue;
            }
            String k = kv.substring(0, e).strip();
            String v = kv.substring(e + 1).strip();
            switch (k) {
                case "name" -> t.name = v;
                case "url" -> t.url = v;
                case "url_file", "url-file" -> t.url = readUrlFile(v, "--target url_file", problems);
                case "url_env", "url-env" -> t.url = urlFromEnv(v, env, "--target url_env", problems);
                case "listen" -> t.listen = v;
                case "config" -> t.config = v;
                case "namespace" -> t.namespace = v;
                case "path", "telemetry_path" -> t.telemetryPath = v;
                default -> problems.add("--target: unknown key '" + k + "' (expected name, url, url_file, url_env, listen,"
                        + " config, namespace, path)");
            }
        }
        return t;
    }

    /**
     * A target's URL from an environment variable, so that a systemd unit keeps the password in its
     * 0600 EnvironmentFile rather than on the command line (which {@code ps} shows everyone).
     */
    private static String urlFromEnv(String var, Map<String, String> env, String what, List<String> problems) {
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            problems.add(what + " " + var + ": the environment variable is not set");
            return null;
        }
        return v.strip();
    }

    private static String readUrlFile(String file, String what, List<String> problems) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            problems.add(what + " " + file + ": cannot read: " + e.getMessage());
            return null;
        }
    }


    private static void readTargetsFile(Path file, Options o, Map<String, String> env, List<String> problems) {
        YamlNode root;
        try {
            root = YamlNode.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            problems.add(file + ": cannot read targets: " + e.getMessage());
            return;
        }
        YamlNode list = root == null ? null : root.get("targets");
        if (list == null || !list.isArray()) {
            problems.add(file + ": expected a top-level 'targets:' list");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            YamlNode n = list.get(i);
            String at = file.getFileName() + ": targets[" + i + "]";
            TargetSpec t = new TargetSpec();
            for (Iterator<Map.Entry<String, YamlNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, YamlNode> f = it.next();
                YamlNode v = f.getValue();
                switch (f.getKey()) {
                    case "name" -> t.name = v.asText();
                    case "url" -> t.url = v.asText();
                    case "url_file" -> t.url = readUrlFile(v.asText(), at + ".url_file", problems);
                    case "url_env" -> t.url = urlFromEnv(v.asText(), env, at + ".url_env", problems);
                    case "listen" -> t.listen = v.asText();
                    case "config" -> t.config = v.asText();
                    case "namespace" -> t.namespace = v.asText();
                    case "telemetry_path" -> t.telemetryPath = v.asText();
                    case "labels" -> {
                        t.labels = new LinkedHashMap<>();
                        v.fields().forEachRemaining(l -> t.labels.put(l.getKey(), l.getValue().asText()));
                    }
                    case "tags" -> t.tags = strings(v);
                    case "auto_discovery" -> t.autoDiscovery = v.asBoolean();
                    case "exclude_database" -> t.exclude = strings(v);
                    case "include_database" -> t.include = strings(v);
                    case "disable_cache" -> t.disableCache = v.asBoolean();
                    case "disable_intro" -> t.disableIntro = v.asBoolean();
                    case "connect_timeout" -> t.connectTimeoutMs = v.asLong();
                    default -> problems.add(at + "." + f.getKey() + ": unknown key");
                }
            }
            o.targets.add(t);
        }
    }

    private static List<String> strings(YamlNode v) {
        if (v.isArray()) {
            List<String> out = new ArrayList<>();
            v.elements().forEach(x -> out.add(x.asText()));
            return out;
        }
        return split(v.asText());
    }

    private static void checkTargets(Options o, List<String> problems) {
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 0; i < o.targets.size(); i++) {
            TargetSpec t = o.targets.get(i);
            String at = "target " + (t.name == null ? "#" + (i + 1) : "'" + t.name + "'");
            if (t.name == null || !t.name.matches("[A-Za-z0-9_.-]+")) {
                problems.add(at + ": needs name=[A-Za-z0-9_.-]+");
            } else if (!names.add(t.name)) {
                problems.add(at + ": name used twice");
            }
            if (t.url == null || t.url.isBlank()) {
                problems.add(at + ": needs url (or url_file)");
            } else {
                try {
                    PgUrl.parse(t.url);
                } catch (IllegalArgumentException e) {
                    problems.add(at + ": " + e.getMessage());
                }
            }
            if (t.listen == null) {
                problems.add(at + ": needs listen=[host]:port");
            } else {
                try {
                    int port = listenAddress(t.listen).getPort();
                    if (port != 0 && !ports.add(port)) {
                        problems.add(at + ": port " + port + " used by another target");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(at + ": " + e.getMessage());
                }
            }
            if (t.telemetryPath != null && Exporter.telemetryPathProblem(t.telemetryPath) != null) {
                problems.add(at + ": " + Exporter.telemetryPathProblem(t.telemetryPath));
            }
        }
    }

    private static List<String> split(String v) {
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static InetSocketAddress listenAddress(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen: '" + listen + "' is not [host]:port");
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen: bad port in '" + listen + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--listen: bad port in '" + listen + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /**
     * The targets to serve: the single one of --url and --web.listen-address; or the explicit ones,
     * preceded by that one when --web.listen-address was given with them.
     */
    static List<TargetSpec> targets(Options o) {
        if (!o.targets.isEmpty()) {
            return o.targets;
        }
        return List.of(mainTarget(o));
    }

    private static TargetSpec mainTarget(Options o) {
        TargetSpec t = new TargetSpec();
        t.name = "default";
        t.url = o.url;
        t.listen = o.listen;
        return t;
    }

    static ExporterTarget target(Options o, TargetSpec t, CollectorSet set) {
        ExporterTarget.Builder b = ExporterTarget.builder(t.url).collectors(set)
                .tags(t.tags != null ? t.tags : o.tags).constantLabels(t.labels != null ? t.labels : o.labels)
                .autoDiscovery(t.autoDiscovery != null ? t.autoDiscovery : o.autoDiscovery)
                .cache(!(t.disableCache != null ? t.disableCache : o.disableCache))
                .introspection(!(t.disableIntro != null ? t.disableIntro : o.disableIntro))
                .connectTimeout(Duration.ofMillis(t.connectTimeoutMs != null ? t.connectTimeoutMs : o.connectTimeoutMs));
        String ns = t.namespace != null ? t.namespace : o.namespace;
        if (ns != null) {
            b.namespace(ns);
        }
        List<String> ex = t.exclude != null ? t.exclude : o.exclude;
        if (ex != null) {
            b.excludeDatabases(ex);
        }
        List<String> in = t.include != null ? t.include : o.include;
        if (in != null) {
            b.includeDatabases(in);
        }
        return b.build();
    }

    static ExporterTarget target(Options o, CollectorSet set) {
        return target(o, targets(o).get(0), set);
    }

    static Supplier<CollectorSet> loader(String config) {
        if (config == null || config.isBlank()) {
            return CollectorSet::defaults;
        }
        Path p = Path.of(config);
        return () -> {
            if (!Files.exists(p)) {
                throw new ConfigException(List.of(p + ": no such file or directory"));
            }
            return CollectorSet.load(p);
        };
    }

    /**
     * Runs the exporter until the JVM is stopped.
     * @param args command-line flags, see {@code --help}
     * @throws Exception when the listen address cannot be bound
     */
    public static void main(String[] args) throws Exception {
        int rc = run(args, System.getenv(), System.out, System.err);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        Options o;
        try {
            o = parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("pg_exporter: " + PgUrl.maskRaw(e.getMessage()));
            err.println(USAGE);
            return 2;
        }
        if (o.help) {
            out.println(USAGE);
            return 0;
        }
        if (o.version) {
            out.println(BuildInfo.text());
            return 0;
        }
        logLevel(o.logLevel);
        if (o.dryRun) {
            try {
                out.print(dryRun(loader(o.config).get()));
            } catch (ConfigException e) {
                err.println("pg_exporter: fail loading config " + o.config + ": " + e.getMessage());
                return 1;
            }
            return 0;
        }
        List<TargetSpec> specs = targets(o);
        List<Supplier<CollectorSet>> loaders = new ArrayList<>();
        List<ExporterTarget> built = new ArrayList<>();
        try {
            for (TargetSpec t : specs) {
                Supplier<CollectorSet> l = loader(t.config != null ? t.config : o.config);
                loaders.add(l);
                built.add(target(o, t, l.get()));
            }
        } catch (ConfigException | IllegalArgumentException e) {
            built.forEach(ExporterTarget::close);
            err.println("pg_exporter: " + PgUrl.maskRaw(e.getMessage()));
            return 2;
        }
        if (o.explain) {
            for (ExporterTarget t : built) {
                try (t) {
                    t.scrape();
                    out.print(t.explain());
                }
            }
            return 0;
        }
        if (o.failFast) {
            for (ExporterTarget t : built) {
                if (!t.status().isUp()) {
                    err.println("pg_exporter: fail connecting to " + t.maskedUrl() + " (--fail-fast)");
                    built.forEach(ExporterTarget::close);
                    return 2;
                }
            }
        }
        List<Exporter> exporters = new ArrayList<>();
        try {
            for (int i = 0; i < specs.size(); i++) {
                TargetSpec t = specs.get(i);
                exporters.add(Exporter.start(listenAddress(t.listen), built.get(i), loaders.get(i),
                        t.telemetryPath != null ? t.telemetryPath : o.telemetryPath));
            }
        } catch (IOException e) {
            exporters.forEach(Exporter::close);
            built.forEach(ExporterTarget::close);
            err.println("pg_exporter: cannot listen: " + e.getMessage());
            return 1;
        }
        onReloadSignal(() -> {
            for (Exporter e : exporters) {
                try {
                    e.reload();
                } catch (RuntimeException ex) {
                    err.println("pg_exporter: reload failed for " + e.target().maskedUrl() + ": " + ex.getMessage());
                }
            }
        });
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exporters.forEach(Exporter::close);
            stop.countDown();
        }, "pg-exporter-shutdown"));
        stop.await();
        return 0;
    }

    /** pg_exporter's --dry-run: every collector of the config, by priority, as text. */
    static String dryRun(CollectorSet set) {
        StringBuilder sb = new StringBuilder();
        List<Collector> all = new ArrayList<>(set.collectors());
        all.sort(Comparator.comparingInt(Collector::priority));
        for (Collector c : all) {
            sb.append("##\n# ").append(c.name()).append(c.name().equals(c.branch()) ? "" : "." + c.branch()).append("_*\n");
            sb.append("#   ").append(c.desc().isEmpty() ? "N/A" : c.desc().strip().replace("\n", "\n#   ")).append('\n');
            sb.append("#   tags [").append(String.join(", ", c.tags())).append("], ttl ").append(fmt(c.ttlSeconds()))
                    .append(", priority ").append(c.priority()).append(", timeout ").append(fmt(c.timeoutSeconds()))
                    .append("s, fatal ").append(c.fatal()).append(", version ")
                    .append(c.minVersion() == 0 ? "lower" : c.minVersion()).append(" ~ ")
                    .append(c.maxVersion() == 0 ? "higher" : c.maxVersion()).append(c.skip() ? ", skip" : "")
                    .append(", source ").append(c.source()).append('\n');
            for (Column col : c.columns()) {
                sb.append("#   ").append(String.format(Locale.ROOT, "%-9s", col.usage())).append(col.column())
                        .append(col.rename().map(r -> " -> " + r).orElse(""))
                        .append(col.description().isEmpty() ? "" : "  " + col.description()).append('\n');
            }
            sb.append(c.query().strip()).append("\n\n");
        }
        return sb.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Sets slf4j-simple's level (the binding in the runnable jar); must run before the first logger is made. */
    static void logLevel(String level) {
        String l = switch (level.toLowerCase(Locale.ROOT)) {
            case "debug", "info", "warn", "error" -> level.toLowerCase(Locale.ROOT);
            default -> "info"; // pg_exporter falls back to info
        };
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", l);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }

    /**
     * Runs the action on SIGHUP and SIGUSR1, as pg_exporter reloads on them. Uses sun.misc.Signal
     * (jdk.unsupported) through reflection, so a JVM without it, or one that reserves a signal,
     * still runs the exporter: reloading then works through {@code /reload} only.
     */
    static int onReloadSignal(Runnable action) {
        int installed = 0;
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object h = Proxy.newProxyInstance(ExporterMain.class.getClassLoader(), new Class<?>[] {handler}, (p, m, a) -> {
                if (m.getName().equals("handle")) {
                    action.run();
                    return null;
                }
                return switch (m.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    default -> "reload-signal-handler";
                };
            });
            for (String name : List.of("HUP", "USR1")) {
                try {
                    Object s = signal.getConstructor(String.class).newInstance(name);
                    signal.getMethod("handle", signal, handler).invoke(null, s, h);
                    installed++;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // e.g. SIGUSR1 reserved by the VM: keep the others
                }
            }
        } catch (ClassNotFoundException | RuntimeException e) {
            // no sun.misc.Signal on this runtime
        }
        return installed;
    }
}
