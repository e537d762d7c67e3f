package io.pigsty.monitor;

import io.pigsty.monitor.internal.BuildInfo;
import io.pigsty.monitor.internal.DbServer;
import io.pigsty.monitor.internal.Emit;
import io.pigsty.monitor.internal.MetricWriter;
import io.pigsty.monitor.internal.PgUrl;
import io.pigsty.monitor.internal.Planner;
import io.pigsty.monitor.internal.ServerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One monitored PostgreSQL (or PgBouncer) server: its connections (one per database, reused),
 * plan, cache and self-metrics. Many targets can live in one JVM; each is independent.
 * Thread-safe: scrapes and probes of one target are serialized.
 */
public final class ExporterTarget implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final PgUrl url;
    private final Set<String> tags;
    private final List<Map.Entry<String, String>> constLabels;
    private final boolean autoDiscovery;
    private final Set<String> excludeDatabases;
    private final Set<String> includeDatabases;
    private final int connectTimeoutSeconds;
    private final boolean useCache;
    private final DbServer main;
    /** A connection of its own for the health endpoints, so a probe never waits behind a scrape. */
    private final DbServer prober;
    private final Object statusLock = new Object();
    private final String namespace;
    private final boolean intro;
    private int lastVersion;
    private boolean lastRecovery;
    private final Map<String, DbServer> discovered = new TreeMap<>();
    private final ExecutorService pool;
    private final long startNanos = System.nanoTime();
    private volatile CollectorSet collectors;
    private long scrapeCount;
    private long scrapeErrors;
    private double lastScrapeDuration;
    private double lastScrapeTime;
    private TargetStatus lastStatus = TargetStatus.DOWN;
    private long lastStatusNanos = System.nanoTime() - 2_000_000_000L;

    private ExporterTarget(Builder b) {
        this.url = PgUrl.parse(b.url);
        this.collectors = b.collectors;
        this.tags = Set.copyOf(b.tags);
        List<Map.Entry<String, String>> labels = new ArrayList<>();
        b.labels.forEach((k, v) -> labels.add(Map.entry(k, v)));
        this.constLabels = List.copyOf(labels);
        this.autoDiscovery = b.autoDiscovery && !url.isPgbouncer();
        this.excludeDatabases = Set.copyOf(b.exclude);
        this.includeDatabases = Set.copyOf(b.include);
        this.connectTimeoutSeconds = (int) Math.max(1, (b.connectTimeout.toMillis() + 999) / 1000);
        this.useCache = b.useCache;
        this.main = new DbServer(url, true, connectTimeoutSeconds);
        this.prober = new DbServer(url, true, connectTimeoutSeconds);
        this.namespace = b.namespace != null ? b.namespace : url.isPgbouncer() ? "pgbouncer" : "pg";
        this.intro = b.intro;
        this.pool = Executors.newFixedThreadPool(b.parallelism, r -> {
            Thread t = new Thread(r, "pg-exporter-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param url libpq URL, e.g. {@code postgres://dbuser_monitor:pass@10.0.0.11:5432/postgres}; a database
     *            named {@code pgbouncer} makes the target PgBouncer's admin console
     * @return a builder with pg_exporter's defaults (shipped collectors, auto-discovery on,
     *         excluding template0, template1, postgres; cache on)
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** @return the target URL with the password masked */
    public String maskedUrl() {
        return url.masked();
    }

    /** @return the collectors in use */
    public CollectorSet collectors() {
        return collectors;
    }

    /**
     * Swaps the collector set; every database is re-planned on the next scrape.
     * @param set the new set
     */
    public void reload(CollectorSet set) {
        this.collectors = Objects.requireNonNull(set, "set");
    }

    /**
     * Scrapes the target: every planned collector of the main database and every discovered
     * database, plus built-ins and self-metrics. Never throws for a database problem: a down
     * server yields {@code pg_up 0}.
     *
     * @return Prometheus text format 0.0.4
     */
    public synchronized String scrape() {
        long t0 = System.nanoTime();
        scrapeCount++;
        CollectorSet set = collectors;
        List<Collector> all = set.collectors();
        DbServer.Result r = main.scrape(all, set, tags, useCache, constLabels);
        List<MetricWriter.Block> blocks = new ArrayList<>(r.blocks());
        boolean bouncer = url.isPgbouncer();
        String ns = namespace;
        if (r.up() && autoDiscovery && r.info() != null) {
            syncDiscovered(r.info().databases());
            Map<String, Future<DbServer.Result>> futures = new LinkedHashMap<>();
            for (Map.Entry<String, DbServer> e : discovered.entrySet()) {
                DbServer s = e.getValue();
                futures.put(e.getKey(), pool.submit(() -> s.scrape(all, set, tags, useCache, constLabels)));
            }
            for (Future<DbServer.Result> f : futures.values()) {
                try {
                    blocks.addAll(f.get().blocks());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    // DbServer.scrape catches database errors; this is a bug: keep serving the rest
                }
            }
        }
        // as pg_exporter: the version and recovery gauges keep their last known value while the server is down
        if (r.info() != null) {
            lastVersion = r.info().version();
            if (r.up()) {
                lastRecovery = !bouncer && r.info().recovery();
            }
        }
        if (!r.up()) {
            scrapeErrors++;
        }
        MetricWriter w = new MetricWriter();
        if (r.up()) {
            for (MetricWriter.Block b : blocks) {
                w.addBlock(b);
            }
        }
        lastScrapeDuration = (System.nanoTime() - t0) / 1e9;
        lastScrapeTime = Math.floor(System.currentTimeMillis() / 1000.0);
        TargetStatus st = r.up() && r.info() != null ? (bouncer || !r.info().recovery() ? TargetStatus.PRIMARY
                : TargetStatus.REPLICA) : r.starting() ? TargetStatus.STARTING : TargetStatus.DOWN;
        synchronized (statusLock) {
            lastStatus = st;
            lastStatusNanos = System.nanoTime();
        }
        if (!intro) {
            return w.render(); // --disable-intro: only the collectors' metrics, as pg_exporter
        }
        List<Map.Entry<String, String>> none = List.of();
        MetricWriter.Type gauge = MetricWriter.Type.GAUGE;
        List<Emit> self = new ArrayList<>();
        self.add(new Emit.Sample(ns + "_up", gauge, "1 when the last scrape reached the server and no fatal collector failed",
                none, r.up() ? 1 : 0));
        self.add(new Emit.Sample(ns + "_version", gauge, "server version number (last known while down)", none, lastVersion));
        self.add(new Emit.Sample(ns + "_in_recovery", gauge, "1 when the server is in recovery (last known while down)",
                none, lastRecovery ? 1 : 0));
        self.add(BuildInfo.sample(ns, constLabels));
        self.add(new Emit.Sample(ns + "_exporter_up", gauge, "always 1 while the exporter answers", none, 1));
        self.add(new Emit.Sample(ns + "_exporter_uptime", gauge, "seconds since the exporter started", none,
                (System.nanoTime() - startNanos) / 1e9));
        self.add(new Emit.Sample(ns + "_exporter_scrape_total_count", MetricWriter.Type.COUNTER, "scrapes so far", none,
                scrapeCount));
        self.add(new Emit.Sample(ns + "_exporter_scrape_error_count", MetricWriter.Type.COUNTER,
                "scrapes that found the server down or a fatal collector failing", none, scrapeErrors));
        self.add(new Emit.Sample(ns + "_exporter_scrape_duration", gauge, "seconds the last scrape took", none,
                lastScrapeDuration));
        self.add(new Emit.Sample(ns + "_exporter_last_scrape_time", gauge, "unix time of the last scrape", none,
                lastScrapeTime));
        main.selfMetricsTo(self, ns);
        for (DbServer s : discovered.values()) {
            s.selfMetricsTo(self, ns);
        }
        for (Emit e : self) {
            e.to(w, constLabels);
        }
        return w.render();
    }

    /** @return the metric prefix of the built-in metrics: {@code pg}, {@code pgbouncer} or the configured namespace */
    public String namespace() {
        return namespace;
    }

    /** @return pg_exporter's {@code /stat} table for the main database: per collector counts, ttl and duration */
    public synchronized String stat() {
        return main.statTable();
    }

    private void syncDiscovered(List<String> databases) {
        Set<String> want = new java.util.TreeSet<>();
        for (String db : databases) {
            if (db.equals(url.database()) || excludeDatabases.contains(db)) {
                continue;
            }
            if (!includeDatabases.isEmpty() && !includeDatabases.contains(db)) {
                continue;
            }
            want.add(db);
        }
        discovered.entrySet().removeIf(e -> {
            if (!want.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (String db : want) {
            discovered.computeIfAbsent(db, d -> new DbServer(url.withDatabase(d), false, connectTimeoutSeconds));
        }
    }

    /**
     * The role for the health endpoints: the result of a scrape or probe within the last second, else
     * a fresh probe on the target's own probe connection (never waiting for a running scrape).
     * @return primary, replica, starting or down
     */
    public TargetStatus status() {
        synchronized (statusLock) {
            if (System.nanoTime() - lastStatusNanos < 1_000_000_000L) {
                return lastStatus;
            }
            DbServer.Probe p = prober.probeState();
            ServerInfo i = p.info();
            lastStatus = i != null ? (i.pgbouncer() || !i.recovery() ? TargetStatus.PRIMARY : TargetStatus.REPLICA)
                    : p.starting() ? TargetStatus.STARTING : TargetStatus.DOWN;
            lastStatusNanos = System.nanoTime();
            return lastStatus;
        }
    }

    /** @return a human-readable plan: for every connection, each collector and why it is (not) installed */
    public synchronized String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append("target ").append(url.masked()).append("\nconfig ").append(collectors.origin()).append('\n');
        List<DbServer> servers = new ArrayList<>();
        servers.add(main);
        servers.addAll(discovered.values());
        for (DbServer s : servers) {
            ServerInfo i = s.info();
            Planner.Plan p = s.plan();
            sb.append("\n== database ").append(s.datname());
            if (i == null || p == null) {
                sb.append(": not planned yet (no successful scrape)\n");
                continue;
            }
            sb.append(": version ").append(i.version()).append(i.pgbouncer() ? " pgbouncer" : i.recovery() ? " replica" : " primary")
                    .append(", ").append(p.installed().size()).append(" installed\n");
            for (Planner.Decision d : p.decisions()) {
                Collector c = d.collector();
                sb.append(d.installed() ? "  + " : "  - ").append(c.branch()).append(" [").append(c.source()).append("] ");
                if (d.installed()) {
                    sb.append("ttl=").append(c.ttlSeconds()).append(" timeout=").append(c.timeoutSeconds())
                            .append(c.fatal() ? " fatal" : "").append(" metrics=").append(c.metricNames().size());
                } else {
                    sb.append(d.reason());
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Closes every connection and the worker threads. */
    @Override
    public synchronized void close() {
        main.close();
        synchronized (statusLock) {
            prober.close();
        }
        discovered.values().forEach(DbServer::close);
        discovered.clear();
        pool.shutdownNow();
    }

    @Override
    public String toString() {
        return "ExporterTarget[" + url.masked() + "]";
    }

    /** Builder for {@link ExporterTarget}. Defaults follow pg_exporter. */
    public static final class Builder {
        private final String url;
        private CollectorSet collectors;
        private final Set<String> tags = new java.util.LinkedHashSet<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private boolean autoDiscovery = true;
        private final Set<String> exclude = new java.util.LinkedHashSet<>(List.of("template0", "template1", "postgres"));
        private final Set<String> include = new java.util.LinkedHashSet<>();
        private Duration connectTimeout = Duration.ofSeconds(1);
        private boolean useCache = true;
        private int parallelism = 4;
        private String namespace;
        private boolean intro = true;

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * @param set the collectors to use (default: {@link CollectorSet#defaults()})
         * @return this
         */
        public Builder collectors(CollectorSet set) {
            this.collectors = Objects.requireNonNull(set, "set");
            return this;
        }

        /**
         * @param tags exporter tags matched against collector tags
         * @return this
         */
        public Builder tags(Collection<String> tags) {
            this.tags.addAll(tags);
            return this;
        }

        /**
         * @param labels constant labels added to every series
         * @return this
         */
        public Builder constantLabels(Map<String, String> labels) {
            labels.forEach((k, v) -> {
                if (!k.matches("[a-zA-Z_][a-zA-Z0-9_]*") || k.startsWith("__")) {
                    throw new IllegalArgumentException("invalid label name '" + k + "'");
                }
            });
            this.labels.putAll(labels);
            return this;
        }

        /**
         * @param on discover the server's databases and run per-database collectors in each
         * @return this
         */
        public Builder autoDiscovery(boolean on) {
            this.autoDiscovery = on;
            return this;
        }

        /**
         * @param dbs databases never discovered (replaces the default template0, template1, postgres)
         * @return this
         */
        public Builder excludeDatabases(Collection<String> dbs) {
            this.exclude.clear();
            this.exclude.addAll(dbs);
            return this;
        }

        /**
         * @param dbs when non-empty, only these databases are discovered
         * @return this
         */
        public Builder includeDatabases(Collection<String> dbs) {
            this.include.clear();
            this.include.addAll(dbs);
            return this;
        }

        /**
         * @param timeout connect timeout (whole seconds, rounded up; pgjdbc's granularity)
         * @return this
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param on false disables the per-collector ttl cache (every scrape runs every query)
         * @return this
         */
        public Builder cache(boolean on) {
            this.useCache = on;
            return this;
        }

        /**
         * @param prefix the prefix of the built-in metrics ({@code <prefix>_up}, {@code <prefix>_exporter_*});
         *               default {@code pg}, or {@code pgbouncer} for a PgBouncer target (pg_exporter's {@code --namespace})
         * @return this
         */
        public Builder namespace(String prefix) {
            if (!prefix.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException("namespace '" + prefix + "' is not a valid metric name prefix");
            }
            this.namespace = prefix;
            return this;
        }

        /**
         * @param on false drops the built-in and self-metrics ({@code pg_up}, {@code pg_exporter_*}); pg_exporter's
         *           {@code --disable-intro}
         * @return this
         */
        public Builder introspection(boolean on) {
            this.intro = on;
            return this;
        }

        /**
         * @param threads how many discovered databases are scraped at once (default 4)
         * @return this
         */
        public Builder parallelism(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1");
            }
            this.parallelism = threads;
            return this;
        }

        /**
         * @return the target; no connection is made until the first scrape
         * @throws IllegalArgumentException for a bad URL (message with the password masked)
         */
        public ExporterTarget build() {
            if (collectors == null) {
                collectors = CollectorSet.defaults();
            }
            return new ExporterTarget(this);
        }
    }
}
