package io.pigsty.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pigsty.monitor.internal.MetricWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link ExporterTarget} over HTTP with pg_exporter's endpoints: {@code /metrics} (or
 * the configured telemetry path); {@code /up /read /health /liveness /readiness} (200 up, 503 down
 * or starting); {@code /primary} (aliases {@code /leader /master /read-write /rw}: 200 primary,
 * 404 replica, 503 down); {@code /replica} ({@code /standby /slave /read-only /ro}: 200 replica,
 * 404 primary, 503 down); each answers the state as text: {@code primary}, {@code replica},
 * {@code starting} (SQLSTATE 57P03) or {@code down}. {@code /reload} (GET or POST: re-reads the
 * config; 500 when that fails, the old config stays), {@code /explain} (the plan), {@code /stat}
 * (per-collector statistics), {@code /version}.
 * Run several exporters in one JVM to monitor several servers, one listen address each.
 */
public final class Exporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);
    /** The JDK HTTP server's switch for TCP_NODELAY on accepted connections (read once, when its first server starts). */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
    /** The largest single write to the HTTP server's channel (see {@link #send}). */
    private static final int WRITE_SLICE = 64 * 1024;

    static {
        // The JDK server writes the headers and the body in separate segments; with Nagle on, a small body
        // (PgBouncer's, /up) waits for the client's delayed ACK of the headers: 40 ms on Linux, which made
        // every PgBouncer scrape take ~45 ms. A user's own -Dsun.net.httpserver.nodelay=false still wins.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ExporterTarget target;
    private final Supplier<CollectorSet> reloader;
    private final String metricsPath;

    private Exporter(InetSocketAddress listen, ExporterTarget target, Supplier<CollectorSet> reloader, String metricsPath)
            throws IOException {
        this.target = target;
        this.reloader = reloader;
        this.metricsPath = metricsPath;
        this.server = HttpServer.create(listen, 64);
        // two threads: a scrape and a health check at once; more only cost stacks (the target serializes scrapes)
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "pg-exporter-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("pg_exporter listening on {}{} for {}", address(), metricsPath, target.maskedUrl());
    }

    /**
     * Starts serving.
     *
     * @param listen   address to bind (port 0 picks a free port)
     * @param target   the target to serve; closed by {@link #close()}
     * @param reloader supplies a fresh collector set on {@code /reload} (e.g. re-reading the config path)
     * @return the running exporter
     * @throws IOException when the address cannot be bound
     */
    public static Exporter start(InetSocketAddress listen, ExporterTarget target, Supplier<CollectorSet> reloader)
            throws IOException {
        return start(listen, target, reloader, "/metrics");
    }

    /**
     * Starts serving with another telemetry path (pg_exporter's {@code --web.telemetry-path}).
     *
     * @param listen      address to bind (port 0 picks a free port)
     * @param target      the target to serve; closed by {@link #close()}
     * @param reloader    supplies a fresh collector set on {@code /reload} and {@link #reload()}
     * @param metricsPath where the metrics are served, e.g. {@code /metrics}
     * @return the running exporter
     * @throws IOException when the address cannot be bound
     * @throws IllegalArgumentException when the path is not a canonical path or clashes with a fixed endpoint
     */
    public static Exporter start(InetSocketAddress listen, ExporterTarget target, Supplier<CollectorSet> reloader,
                                 String metricsPath) throws IOException {
        String problem = telemetryPathProblem(metricsPath);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new Exporter(Objects.requireNonNull(listen, "listen"), Objects.requireNonNull(target, "target"),
                Objects.requireNonNull(reloader, "reloader"), metricsPath);
    }

    private static final java.util.Set<String> FIXED = java.util.Set.of("/", "/version", "/reload", "/stat", "/explain",
            "/up", "/read", "/health", "/liveness", "/readiness", "/primary", "/leader", "/master", "/read-write", "/rw",
            "/replica", "/standby", "/slave", "/read-only", "/ro");

    /**
     * @param path a telemetry path
     * @return why pg_exporter would refuse it, or null when it is fine
     */
    static String telemetryPathProblem(String path) {
        if (path == null || path.isEmpty()) {
            return "web.telemetry-path must not be empty";
        }
        if (path.charAt(0) != '/') {
            return "web.telemetry-path '" + path + "' must start with '/'";
        }
        if (path.contains("?") || path.contains("#") || path.contains("{") || path.contains("}") || path.contains(" ")) {
            return "web.telemetry-path '" + path + "' must be a literal URL path without query, fragment or wildcards";
        }
        String clean = java.net.URI.create(path).normalize().getPath().replaceAll("/+", "/");
        if (!path.equals(clean) && !path.equals(clean + "/")) {
            return "web.telemetry-path '" + path + "' must be a canonical URL path (did you mean '" + clean + "'?)";
        }
        if (FIXED.contains(path)) {
            return "web.telemetry-path '" + path + "' conflicts with a built-in endpoint";
        }
        return null;
    }

    /**
     * Re-reads the config through the reloader and swaps it in (what {@code /reload} and SIGHUP do).
     * @return the new set
     * @throws ConfigException when the config cannot be read; the old one stays in use
     */
    public CollectorSet reload() {
        CollectorSet set = reloader.get();
        target.reload(set);
        LOG.info("reloaded {} for {}", set, target.maskedUrl());
        return set;
    }

    /** @return the bound address (with the actual port) */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** @return the served target */
    public ExporterTarget target() {
        return target;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String text = "text/plain; charset=utf-8";
            if (path.equals(metricsPath)) {
                send(ex, 200, MetricWriter.CONTENT_TYPE, target.scrape());
                return;
            }
            switch (path) {
                case "/up", "/read", "/health", "/liveness", "/readiness" -> {
                    TargetStatus s = target.status();
                    send(ex, s.isUp() ? 200 : 503, text, word(s));
                }
                case "/primary", "/leader", "/master", "/read-write", "/rw" -> role(ex, TargetStatus.PRIMARY);
                case "/replica", "/standby", "/slave", "/read-only", "/ro" -> role(ex, TargetStatus.REPLICA);
                case "/reload" -> {
                    String m = ex.getRequestMethod();
                    if (!m.equals("GET") && !m.equals("POST") && !m.equals("HEAD")) {
                        ex.getResponseHeaders().set("Allow", "GET, POST");
                        send(ex, 405, text, "method not allowed");
                        return;
                    }
                    try {
                        reload();
                        send(ex, 200, text, "server reloaded");
                    } catch (ConfigException | java.io.UncheckedIOException e) {
                        LOG.error("reload failed: {}", e.getMessage());
                        send(ex, 500, text, "fail to reload: " + e.getMessage());
                    }
                }
                case "/explain" -> send(ex, 200, text, target.explain());
                case "/stat" -> send(ex, 200, text, target.stat());
                case "/version" -> send(ex, 200, text, io.pigsty.monitor.internal.BuildInfo.text());
                case "/" -> send(ex, 200, "text/html; charset=utf-8",
                        "<html><head><title>PG Exporter</title></head><body><h1>PG Exporter</h1><p><a href='" + metricsPath
                                + "'>Metrics</a></p></body></html>");
                default -> send(ex, 404, text, "404 page not found\n");
            }
        } catch (RuntimeException e) {
            LOG.error("request {} failed", ex.getRequestURI().getPath(), e);
            throw e;
        }
    }

    private static String word(TargetStatus s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void role(HttpExchange ex, TargetStatus want) throws IOException {
        TargetStatus s = target.status();
        int code = !s.isUp() ? 503 : s == want ? 200 : 404;
        send(ex, code, "text/plain; charset=utf-8", word(s));
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            // in slices: the server hands each write to its channel whole, and NIO copies a heap buffer into a
            // temporary direct one of the same size that each thread keeps cached; a 500 KB scrape in one write
            // left half a MiB of native memory per HTTP thread
            for (int off = 0; off < bytes.length; off += WRITE_SLICE) {
                os.write(bytes, off, Math.min(WRITE_SLICE, bytes.length - off));
            }
        }
    }

    /** Stops the HTTP server and closes the target. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        target.close();
    }
}
