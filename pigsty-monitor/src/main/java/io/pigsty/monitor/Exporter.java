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
 * Serves one {@link ExporterTarget} over HTTP with pg_exporter's endpoints: {@code /metrics};
 * {@code /up /health /liveness /readiness} (200 up, 503 down); {@code /primary} (aliases
 * {@code /leader /master /read-write /rw}: 200 primary, 404 replica, 503 down); {@code /replica}
 * ({@code /standby /read-only /ro}: 200 replica, 404 primary, 503 down); {@code /read} (200 when
 * up in either role); {@code /reload} (re-reads the config); {@code /explain} (the plan).
 * Run several exporters in one JVM to monitor several servers, one listen address each.
 */
public final class Exporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final ExporterTarget target;
    private final Supplier<CollectorSet> reloader;

    private Exporter(InetSocketAddress listen, ExporterTarget target, Supplier<CollectorSet> reloader) throws IOException {
        this.target = target;
        this.reloader = reloader;
        this.server = HttpServer.create(listen, 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "pg-exporter-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("pg_exporter listening on {} for {}", address(), target.maskedUrl());
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
        return new Exporter(Objects.requireNonNull(listen, "listen"), Objects.requireNonNull(target, "target"),
                Objects.requireNonNull(reloader, "reloader"));
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
            switch (path) {
                case "/metrics" -> send(ex, 200, MetricWriter.CONTENT_TYPE, target.scrape());
                case "/up", "/health", "/liveness", "/readiness" -> {
                    TargetStatus s = target.status();
                    send(ex, s == TargetStatus.DOWN ? 503 : 200, "text/plain; charset=utf-8", s.name().toLowerCase() + "\n");
                }
                case "/primary", "/leader", "/master", "/read-write", "/rw" -> role(ex, TargetStatus.PRIMARY);
                case "/replica", "/standby", "/read-only", "/ro" -> role(ex, TargetStatus.REPLICA);
                case "/read" -> {
                    TargetStatus s = target.status();
                    send(ex, s == TargetStatus.DOWN ? 503 : 200, "text/plain; charset=utf-8", s.name().toLowerCase() + "\n");
                }
                case "/reload" -> {
                    try {
                        CollectorSet set = reloader.get();
                        target.reload(set);
                        send(ex, 200, "text/plain; charset=utf-8", "reloaded " + set + "\n");
                    } catch (ConfigException e) {
                        send(ex, 400, "text/plain; charset=utf-8", e.getMessage() + "\n");
                    }
                }
                case "/explain" -> send(ex, 200, "text/plain; charset=utf-8", target.explain());
                case "/" -> send(ex, 200, "text/html; charset=utf-8",
                        "<html><body><h1>pg_exporter (pigsty-java)</h1><a href=\"/metrics\">metrics</a> "
                                + "<a href=\"/explain\">explain</a></body></html>\n");
                default -> send(ex, 404, "text/plain; charset=utf-8", "not found: " + path + "\n");
            }
        } catch (RuntimeException e) {
            LOG.error("request {} failed", ex.getRequestURI().getPath(), e);
            throw e;
        }
    }

    private void role(HttpExchange ex, TargetStatus want) throws IOException {
        TargetStatus s = target.status();
        int code = s == TargetStatus.DOWN ? 503 : s == want ? 200 : 404;
        send(ex, code, "text/plain; charset=utf-8", s.name().toLowerCase() + "\n");
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
            os.write(bytes);
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
