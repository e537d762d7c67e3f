package io.pigsty.monitor.internal;

import io.pigsty.monitor.Collector;
import io.pigsty.monitor.Column;
import io.pigsty.monitor.ColumnUsage;
import io.pigsty.monitor.PredicateQuery;
import java.sql.SQLException;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to one database of a target, with its plan, result cache and statistics.
 * Not thread-safe: the owning target serializes calls.
 */
public final class DbServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DbServer.class);
    private static final String PRECHECK = "SELECT current_setting('server_version_num')::int, pg_is_in_recovery(),"
            + " current_database()::text, current_user::text,"
            + " ARRAY(SELECT datname::text FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1),"
            + " ARRAY(SELECT extname::text FROM pg_extension), ARRAY(SELECT nspname::text FROM pg_namespace)";
    private static final Pattern LSN = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");
    private static final Pattern BOUNCER_VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    /** Precheck and predicates get a generous fixed timeout: a failed precheck means pg_up 0. */
    private static final long PRECHECK_TIMEOUT_MS = 2000;

    private final PgUrl url;
    private final boolean main;
    private final int connectTimeoutSeconds;
    private Session conn;
    private ServerInfo info;
    private Planner.Plan plan;
    private Object plannedFor;
    private final Map<String, Cached> cache = new HashMap<>();
    private final Map<String, Cached> predicateCache = new HashMap<>();
    private final Map<String, QueryStat> stats = new LinkedHashMap<>();
    private final Map<String, String> lastError = new HashMap<>();
    private long scrapeCount;
    private long errorCount;
    private double lastDuration;
    private double totalSeconds;

    private record Cached(long atNanos, MetricWriter.Block block, boolean value) {
    }

    /** Per-collector counters exported as {@code pg_exporter_query_*}. */
    static final class QueryStat {
        final Collector collector;
        long total;
        long errors;
        long hits;
        long predicateSkips;
        double duration;
        long metricCount;

        QueryStat(Collector c) {
            this.collector = c;
        }
    }

    /**
     * The outcome of scraping one database.
     * @param up          precheck succeeded (and no fatal collector failed)
     * @param info        what the precheck found; null when down
     * @param blocks      the rendered collector results
     * @param fatalError  the fatal collector's error, empty when none
     */
    public record Result(boolean up, ServerInfo info, List<MetricWriter.Block> blocks, String fatalError) {
    }

    /**
     * @param url                   the database to connect to
     * @param main                  true for the target URL's own database (runs cluster-level collectors)
     * @param connectTimeoutSeconds connect timeout
     */
    public DbServer(PgUrl url, boolean main, int connectTimeoutSeconds) {
        this.url = url;
        this.main = main;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    /** @return the database name */
    public String datname() {
        return url.database();
    }

    /** @return the last plan, or null before the first successful precheck */
    public Planner.Plan plan() {
        return plan;
    }

    /** @return the last precheck result, or null */
    public ServerInfo info() {
        return info;
    }

    private void connect() throws SQLException {
        if (conn != null) {
            return;
        }
        conn = url.isPgbouncer() ? new BouncerSession(url, connectTimeoutSeconds) : new JdbcSession(url, connectTimeoutSeconds);
    }

    private void disconnect() {
        if (conn != null) {
            conn.close();
            conn = null;
        }
    }

    /**
     * Connects if needed and runs the precheck.
     * @return the server facts
     * @throws SQLException when the server cannot be reached or answered wrongly
     */
    public ServerInfo precheck() throws SQLException {
        try {
            connect();
            info = url.isPgbouncer() ? bouncerPrecheck() : pgPrecheck();
            return info;
        } catch (SQLException e) {
            disconnect();
            info = null;
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private ServerInfo pgPrecheck() throws SQLException {
        return conn.query(PRECHECK, PRECHECK_TIMEOUT_MS, rs -> {
            if (!rs.next()) {
                throw new SQLException("precheck returned no row");
            }
            return new ServerInfo(((Number) rs.get(0)).intValue(), (Boolean) rs.get(1), (String) rs.get(2), (String) rs.get(3),
                    (List<String>) rs.get(4), Set.copyOf((List<String>) rs.get(5)), Set.copyOf((List<String>) rs.get(6)), false);
        });
    }

    private ServerInfo bouncerPrecheck() throws SQLException {
        return conn.query("SHOW VERSION", -1, rs -> {
            String v = rs.next() ? String.valueOf(rs.get(0)) : "";
            Matcher m = BOUNCER_VERSION.matcher(v);
            int num = 0;
            if (m.find()) {
                num = Integer.parseInt(m.group(1)) * 10000 + Integer.parseInt(m.group(2)) * 100
                        + (m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
            }
            return new ServerInfo(num, false, "pgbouncer", url.user(), List.of(), Set.of(), Set.of(), true);
        });
    }

    /**
     * Scrapes this database: precheck, (re)plan when version, role or config changed, then every
     * installed collector, serving cached results within their ttl.
     *
     * @param collectors  the config
     * @param configToken identity of the config; a new token forces a re-plan
     * @param tags        exporter tags
     * @param useCache    false disables the ttl cache
     * @param constLabels labels added to every series
     * @return the outcome
     */
    public Result scrape(List<Collector> collectors, Object configToken, Set<String> tags, boolean useCache,
                         List<Map.Entry<String, String>> constLabels) {
        long t0 = System.nanoTime();
        scrapeCount++;
        ServerInfo prev = info;
        ServerInfo now;
        try {
            now = precheck();
        } catch (SQLException e) {
            errorCount++;
            finish(t0);
            String msg = "cannot scrape " + url.masked() + ": " + PgUrl.maskRaw(String.valueOf(e.getMessage()));
            if (!msg.equals(lastError.put("", msg))) {
                LOG.warn(msg);
            }
            return new Result(false, null, List.of(), "");
        }
        lastError.remove("");
        if (plan == null || plannedFor != configToken || prev == null || prev.version() != now.version()
                || prev.recovery() != now.recovery() || !prev.datname().equals(now.datname())
                || !prev.extensions().equals(now.extensions()) || !prev.schemas().equals(now.schemas())) {
            replan(collectors, configToken, now, tags);
        }
        List<MetricWriter.Block> out = new ArrayList<>();
        for (Collector c : plan.installed()) {
            QueryStat st = stats.computeIfAbsent(c.branch(), k -> new QueryStat(c));
            long q0 = System.nanoTime();
            st.total++;
            Cached hit = cache.get(c.branch());
            if (useCache && c.ttlSeconds() > 0 && hit != null && (q0 - hit.atNanos) < c.ttlSeconds() * 1e9) {
                st.hits++;
                out.add(hit.block);
                continue;
            }
            try {
                if (!predicatesPass(c, useCache)) {
                    st.predicateSkips++;
                    cache.remove(c.branch());
                    continue;
                }
                List<Emit> emits = run(c);
                st.metricCount = emits.size();
                MetricWriter.Block block = MetricWriter.block(emits, constLabels);
                cache.put(c.branch(), new Cached(q0, block, true));
                out.add(block);
                lastError.remove(c.branch());
            } catch (SQLException | RuntimeException e) {
                st.errors++;
                cache.remove(c.branch());
                String msg = "collector " + c.branch() + " failed on " + url.masked() + ": "
                        + PgUrl.maskRaw(String.valueOf(e.getMessage()));
                if (!msg.equals(lastError.put(c.branch(), msg))) {
                    LOG.warn(msg);
                }
                if (isBroken()) {
                    disconnect();
                }
                if (c.fatal()) {
                    errorCount++;
                    finish(t0);
                    return new Result(false, now, List.of(), msg);
                }
                if (conn == null) {
                    break; // the connection is gone; the remaining collectors would all fail the same way
                }
            } finally {
                st.duration = (System.nanoTime() - q0) / 1e9;
            }
        }
        finish(t0);
        return new Result(true, now, out, "");
    }

    private boolean isBroken() {
        return conn == null || !conn.isValid();
    }

    private void finish(long t0) {
        lastDuration = (System.nanoTime() - t0) / 1e9;
        totalSeconds += lastDuration;
    }

    private void replan(List<Collector> collectors, Object configToken, ServerInfo now, Set<String> tags) {
        plan = Planner.plan(collectors, now, tags, main);
        plannedFor = configToken;
        cache.clear();
        predicateCache.clear();
        stats.keySet().retainAll(plan.installed().stream().map(Collector::branch).toList());
        LOG.info("planned {} of {} collectors for {} (version {}, {})", plan.installed().size(), collectors.size(),
                url.masked(), now.version(), now.pgbouncer() ? "pgbouncer" : now.recovery() ? "replica" : "primary");
    }

    /**
     * Cheap liveness probe for the health endpoints.
     * @return the server facts, or null when it is down
     */
    public ServerInfo probe() {
        try {
            connect();
            if (url.isPgbouncer()) {
                return bouncerPrecheck();
            }
            ServerInfo i = info;
            return conn.query("SELECT pg_is_in_recovery(), current_setting('server_version_num')::int", PRECHECK_TIMEOUT_MS,
                    rs -> {
                        if (!rs.next()) {
                            throw new SQLException("probe returned no row");
                        }
                        return new ServerInfo(((Number) rs.get(1)).intValue(), (Boolean) rs.get(0), url.database(), url.user(),
                                i == null ? List.of() : i.databases(), i == null ? Set.of() : i.extensions(),
                                i == null ? Set.of() : i.schemas(), false);
                    });
        } catch (SQLException e) {
            disconnect();
            return null;
        }
    }

    private boolean predicatesPass(Collector c, boolean useCache) throws SQLException {
        for (PredicateQuery p : c.predicates()) {
            String key = c.branch() + "/" + p.name();
            Cached hit = predicateCache.get(key);
            long t = System.nanoTime();
            boolean value;
            if (useCache && p.ttlSeconds() > 0 && hit != null && (t - hit.atNanos) < p.ttlSeconds() * 1e9) {
                value = hit.value;
            } else {
                value = conn.query(p.query(), PRECHECK_TIMEOUT_MS, rs -> {
                    if (!rs.next()) {
                        return false;
                    }
                    Object o = rs.get(0);
                    if (o instanceof String str && (str.equals("t") || str.equals("f"))) {
                        return str.equals("t"); // PgBouncer's text results
                    }
                    if (o != null && !(o instanceof Boolean)) {
                        throw new SQLException("predicate " + p.name() + " returned " + o.getClass().getSimpleName()
                                + ", expected boolean");
                    }
                    return Boolean.TRUE.equals(o);
                });
                predicateCache.put(key, new Cached(t, null, value));
            }
            if (!value) {
                return false;
            }
        }
        return true;
    }

    private List<Emit> run(Collector c) throws SQLException {
        return conn.query(c.query(), Math.round(Math.ceil(c.timeoutSeconds() * 1000)), rs -> convert(c, rs));
    }

    private List<Emit> convert(Collector c, Session.Rows rs) throws SQLException {
        Map<String, Integer> index = new HashMap<>();
        List<String> cols = rs.columns();
        for (int i = 0; i < cols.size(); i++) {
            index.putIfAbsent(cols.get(i).toLowerCase(Locale.ROOT), i);
        }
        List<Column> labels = new ArrayList<>();
        List<Column> metrics = new ArrayList<>();
        int[] labelIdx;
        int[] metricIdx;
        List<String> missing = new ArrayList<>();
        for (Column col : c.columns()) {
            if (col.usage() == ColumnUsage.LABEL) {
                labels.add(col);
            } else if (col.usage().isMetric()) {
                metrics.add(col);
            }
            if (col.usage() != ColumnUsage.DISCARD && !index.containsKey(col.column().toLowerCase(Locale.ROOT))) {
                missing.add(col.column());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("result lacks column(s) " + missing);
        }
        labelIdx = labels.stream().mapToInt(l -> index.get(l.column().toLowerCase(Locale.ROOT))).toArray();
        metricIdx = metrics.stream().mapToInt(l -> index.get(l.column().toLowerCase(Locale.ROOT))).toArray();
        List<Emit> out = new ArrayList<>();
        Map<String, HistAcc> hists = new LinkedHashMap<>();
        while (rs.next()) {
            List<Map.Entry<String, String>> lv = new ArrayList<>(labels.size());
            for (int i = 0; i < labelIdx.length; i++) {
                Object v = rs.get(labelIdx[i]);
                lv.add(Map.entry(labels.get(i).exportedName(), v == null ? "" : v.toString()));
            }
            lv = List.copyOf(lv);
            for (int i = 0; i < metricIdx.length; i++) {
                Column col = metrics.get(i);
                Double v = toDouble(rs.get(metricIdx[i]), col.column());
                if (v == null) {
                    if (col.defaultValue().isEmpty()) {
                        continue; // NULL without default: no sample rather than a made-up value
                    }
                    v = col.defaultValue().getAsDouble();
                } else {
                    v = v * col.scale();
                }
                String name = col.metricName(c.name());
                String help = col.description().isEmpty() ? (c.desc().isEmpty() ? name : c.desc()) : col.description();
                if (col.usage() == ColumnUsage.HISTOGRAM) {
                    List<Map.Entry<String, String>> key = lv;
                    hists.computeIfAbsent(name + key, k -> new HistAcc(name, help, key, col.buckets())).observe(v);
                } else {
                    out.add(new Emit.Sample(name, col.usage() == ColumnUsage.COUNTER ? MetricWriter.Type.COUNTER
                            : MetricWriter.Type.GAUGE, help, lv, v));
                }
            }
        }
        hists.values().forEach(h -> out.add(h.emit()));
        return List.copyOf(out);
    }

    private static final class HistAcc {
        final String name;
        final String help;
        final List<Map.Entry<String, String>> labels;
        final List<Double> bounds;
        final long[] counts;
        double sum;
        long count;

        HistAcc(String name, String help, List<Map.Entry<String, String>> labels, List<Double> bounds) {
            this.name = name;
            this.help = help;
            this.labels = labels;
            this.bounds = bounds;
            this.counts = new long[bounds.size()];
        }

        void observe(double v) {
            for (int i = 0; i < bounds.size(); i++) {
                if (v <= bounds.get(i)) {
                    counts[i]++;
                }
            }
            sum += v;
            count++;
        }

        Emit emit() {
            return new Emit.Histogram(name, help, labels, bounds, Arrays.copyOf(counts, counts.length), sum, count);
        }
    }

    static Double toDouble(Object o, String column) {
        if (o == null) {
            return null;
        }
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (o instanceof java.sql.Timestamp ts) {
            return ts.getTime() / 1000.0;
        }
        if (o instanceof Temporal) {
            throw new IllegalStateException("column " + column + " is a date/time; export extract(epoch from ...)");
        }
        String s = o.toString().trim();
        Matcher m = LSN.matcher(s);
        if (m.matches()) {
            return (double) ((Long.parseLong(m.group(1), 16) << 32) + Long.parseLong(m.group(2), 16));
        }
        switch (s) {
            case "t", "true", "on", "yes" -> {
                return 1.0;
            }
            case "f", "false", "off", "no" -> {
                return 0.0;
            }
            default -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("column " + column + " value '" + s + "' is not a number");
                }
            }
        }
    }

    /**
     * Adds this database's self-metrics.
     * @param out where to add
     */
    public void selfMetricsTo(List<Emit> out) {
        List<Map.Entry<String, String>> db = List.of(Map.entry("datname", url.database()));
        out.add(new Emit.Sample("pg_exporter_server_scrape_duration", MetricWriter.Type.GAUGE,
                "seconds the last scrape of this database took", db, lastDuration));
        out.add(new Emit.Sample("pg_exporter_server_scrape_total_seconds", MetricWriter.Type.COUNTER,
                "seconds spent scraping this database", db, totalSeconds));
        out.add(new Emit.Sample("pg_exporter_server_scrape_total_count", MetricWriter.Type.COUNTER,
                "scrapes of this database", db, scrapeCount));
        out.add(new Emit.Sample("pg_exporter_server_scrape_error_count", MetricWriter.Type.COUNTER,
                "failed scrapes of this database", db, errorCount));
        for (QueryStat s : stats.values()) {
            List<Map.Entry<String, String>> l = List.of(Map.entry("datname", url.database()),
                    Map.entry("query", s.collector.branch()));
            out.add(new Emit.Sample("pg_exporter_query_cache_ttl", MetricWriter.Type.GAUGE,
                    "seconds a collector's result is cached", l, s.collector.ttlSeconds()));
            out.add(new Emit.Sample("pg_exporter_query_scrape_total_count", MetricWriter.Type.COUNTER,
                    "times a collector was scraped (incl. cache hits)", l, s.total));
            out.add(new Emit.Sample("pg_exporter_query_scrape_error_count", MetricWriter.Type.COUNTER,
                    "times a collector failed", l, s.errors));
            out.add(new Emit.Sample("pg_exporter_query_scrape_predicate_skip_count", MetricWriter.Type.COUNTER,
                    "times a collector was skipped by a predicate query", l, s.predicateSkips));
            out.add(new Emit.Sample("pg_exporter_query_scrape_duration", MetricWriter.Type.GAUGE,
                    "seconds the collector's last run took", l, s.duration));
            out.add(new Emit.Sample("pg_exporter_query_scrape_metric_count", MetricWriter.Type.GAUGE,
                    "series the collector's last run produced", l, s.metricCount));
            out.add(new Emit.Sample("pg_exporter_query_scrape_hit_count", MetricWriter.Type.COUNTER,
                    "times a collector was served from its cache", l, s.hits));
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
