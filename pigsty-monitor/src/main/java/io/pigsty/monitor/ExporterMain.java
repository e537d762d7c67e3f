package io.pigsty.monitor;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Command-line entry with pg_exporter's flags:
 * {@code java -jar pg-exporter.jar --url postgres://user:pass@host:5432/postgres [--config path] [--listen :9630]}.
 */
public final class ExporterMain {
    private ExporterMain() {
    }

    /** Parsed command line. */
    static final class Options {
        String url;
        String config;
        String listen = ":9630";
        final Map<String, String> labels = new LinkedHashMap<>();
        final List<String> tags = new ArrayList<>();
        boolean autoDiscovery = true;
        List<String> exclude;
        List<String> include;
        boolean disableCache;
        long connectTimeoutMs = 1000;
        boolean explain;
        boolean help;
    }

    static final String USAGE = String.join("\n",
            "usage: java -jar pg-exporter.jar [flags]",
            "  --url URL                 libpq URL postgres://user:pass@host:port/db?sslmode=disable (env PG_EXPORTER_URL)",
            "  --config PATH             collector YAML file or directory (env PG_EXPORTER_CONFIG; default: shipped set)",
            "  --listen [HOST]:PORT      listen address (default :9630)",
            "  --label k=v,k2=v2         constant labels added to every series",
            "  --tag a,b                 exporter tags, matched against collector tags",
            "  --auto-discovery          discover databases and run per-database collectors (default)",
            "  --no-auto-discovery       only the database of --url",
            "  --exclude-database a,b    databases never discovered (default template0,template1,postgres)",
            "  --include-database a,b    only these databases are discovered",
            "  --disable-cache           ignore collector ttl (every scrape runs every query)",
            "  --connect-timeout MS      connect timeout in ms, rounded up to whole seconds (default 1000)",
            "  --explain                 print the plan after one scrape and exit",
            "  --help                    this text");

    static Options parse(String[] args, Map<String, String> env) {
        Options o = new Options();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            String flag = a;
            if (a.startsWith("--") && eq > 0) {
                flag = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            boolean takesValue = switch (flag) {
                case "--url", "--config", "--listen", "--label", "--tag", "--exclude-database", "--include-database",
                        "--connect-timeout" -> true;
                default -> false;
            };
            if (takesValue && value == null) {
                if (i + 1 >= args.length) {
                    problems.add(flag + " needs a value");
                    continue;
                }
                value = args[++i];
            } else if (!takesValue && value != null && flag.startsWith("--")) {
                problems.add(flag + " takes no value");
                continue;
            }
            switch (flag) {
                case "--url" -> o.url = value;
                case "--config" -> o.config = value;
                case "--listen" -> o.listen = value;
                case "--label" -> {
                    for (String kv : split(value)) {
                        int e = kv.indexOf('=');
                        if (e <= 0) {
                            problems.add("--label: '" + kv + "' is not k=v");
                        } else if (!kv.substring(0, e).matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                            problems.add("--label: '" + kv.substring(0, e) + "' is not a valid label name");
                        } else {
                            o.labels.put(kv.substring(0, e), kv.substring(e + 1));
                        }
                    }
                }
                case "--tag" -> o.tags.addAll(split(value));
                case "--exclude-database" -> o.exclude = split(value);
                case "--include-database" -> o.include = split(value);
                case "--auto-discovery" -> o.autoDiscovery = true;
                case "--no-auto-discovery" -> o.autoDiscovery = false;
                case "--disable-cache" -> o.disableCache = true;
                case "--connect-timeout" -> {
                    try {
                        o.connectTimeoutMs = Long.parseLong(value);
                        if (o.connectTimeoutMs <= 0) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException e) {
                        problems.add("--connect-timeout: '" + value + "' is not a positive number of milliseconds");
                    }
                }
                case "--explain" -> o.explain = true;
                case "--help", "-h" -> o.help = true;
                default -> problems.add("unknown flag '" + a + "'");
            }
        }
        if (o.url == null) {
            o.url = env.get("PG_EXPORTER_URL");
        }
        if (o.config == null) {
            o.config = env.get("PG_EXPORTER_CONFIG");
        }
        if (!o.help && (o.url == null || o.url.isBlank())) {
            problems.add("--url (or PG_EXPORTER_URL) is required");
        }
        if (!o.help) {
            try {
                listenAddress(o.listen);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return o;
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

    static ExporterTarget target(Options o, CollectorSet set) {
        ExporterTarget.Builder b = ExporterTarget.builder(o.url).collectors(set).tags(o.tags).constantLabels(o.labels)
                .autoDiscovery(o.autoDiscovery).cache(!o.disableCache)
                .connectTimeout(java.time.Duration.ofMillis(o.connectTimeoutMs));
        if (o.exclude != null) {
            b.excludeDatabases(o.exclude);
        }
        if (o.include != null) {
            b.includeDatabases(o.include);
        }
        return b.build();
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
            err.println("pg_exporter: " + io.pigsty.monitor.internal.PgUrl.maskRaw(e.getMessage()));
            err.println(USAGE);
            return 2;
        }
        if (o.help) {
            out.println(USAGE);
            return 0;
        }
        Supplier<CollectorSet> loader = loader(o.config);
        CollectorSet set;
        ExporterTarget target;
        try {
            set = loader.get();
            target = target(o, set);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("pg_exporter: " + io.pigsty.monitor.internal.PgUrl.maskRaw(e.getMessage()));
            return 2;
        }
        if (o.explain) {
            try (target) {
                target.scrape();
                out.print(target.explain());
            }
            return 0;
        }
        Exporter exporter = Exporter.start(listenAddress(o.listen), target, loader);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exporter.close();
            stop.countDown();
        }, "pg-exporter-shutdown"));
        stop.await();
        return 0;
    }
}
