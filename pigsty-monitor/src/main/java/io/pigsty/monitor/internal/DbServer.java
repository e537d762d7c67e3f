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
    /** SQLSTATE cannot_connect_now: the server is starting up (or shutting down). */
    static final String STARTING = "57P03";

    /** Opens a session; replaceable in tests. */
    interface Opener {
        /**
         * @return a new session
         * @throws SQLException when it cannot connect
         */
        Session open() throws SQLException;
    }

    private final PgUrl url;
    private final boolean main;
    private final int connectTimeoutSeconds;
    private final Opener opener;
    private Session conn;
    private boolean reconnectTried;
    private final Set<String> warnedMissing = new java.util.HashSet<>();
    private ServerInfo info;
    private Planner.Plan plan;
    private Object plannedFor;
    private final Map<String, Outcome> cache = new HashMap<>();
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
        Collector collector;
        double cacheTtl;
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
     * @param fatalError  the fatal collector's (or the precheck's) error, empty when none
     * @param starting    the server answered SQLSTATE 57P03 (starting up)
     */
    public record Result(boolean up, ServerInfo info, List<MetricWriter.Block> blocks, String fatalError, boolean starting) {
    }

    /**
     * @param url                   the database to connect to
     * @param main                  true for the target URL's own database (runs cluster-level collectors)
     * @param connectTimeoutSeconds connect timeout
     */
    public DbServer(PgUrl url, boolean main, int connectTimeoutSeconds) {
        this(url, main, connectTimeoutSeconds, null);
    }

    DbServer(PgUrl url, boolean main, int connectTimeoutSeconds, Opener opener) {
        this.url = url;
        this.main = main;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        this.opener = opener != null ? opener : () -> url.isPgbouncer() ? new BouncerSession(url, connectTimeoutSeconds)
                : new JdbcSession(url, connectTimeoutSeconds);
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
        conn = opener.open();
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
     * Scrapes this database as pg_exporter does: precheck (a stale connection is retried once on a
     * new one, so the first scrape after a PostgreSQL restart is not {@code pg_up 0}), (re)plan
     * when version, role or config changed, then the fatal collectors, then the others. Every
     * collector's outcome (metrics, a failure or a predicate skip) is kept for its ttl: within it
     * the same outcome is served again, counted again as an error or a skip.
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
        reconnectTried = false;
        ServerInfo prev = info;
        ServerInfo now;
        try {
            now = precheckRetrying();
        } catch (SQLException | RuntimeException e) {
            // a RuntimeException here is our bug, not the server's: still answer the scrape (pg_up 0) and log it
            disconnect();
            info = null;
            errorCount++;
            finish(t0);
            String msg = "cannot scrape " + url.masked() + ": " + PgUrl.maskRaw(String.valueOf(e.getMessage()));
            if (!msg.equals(lastError.put("", msg))) {
                if (e instanceof RuntimeException) {
                    LOG.error(msg, e);
                } else {
                    LOG.warn(msg);
                }
            }
            return new Result(false, null, List.of(), msg, e instanceof SQLException se && STARTING.equals(se.getSQLState()));
        }
        lastError.remove("");
        if (plan == null || plannedFor != configToken || prev == null || prev.version() != now.version()
                || prev.recovery() != now.recovery() || !prev.datname().equals(now.datname())
                || !prev.extensions().equals(now.extensions()) || !prev.schemas().equals(now.schemas())) {
            replan(collectors, configToken, now, tags);
        }
        List<MetricWriter.Block> out = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            boolean fatalPass = pass == 0;
            for (Collector c : plan.installed()) {
                if (c.fatal() != fatalPass) {
                    continue;
                }
                Outcome o = collect(c, t0, useCache, constLabels);
                if (o.error == null) {
                    if (o.block != null) {
                        out.add(o.block);
                    }
                } else if (c.fatal()) {
                    errorCount++;
                    finish(t0);
                    return new Result(false, now, List.of(), o.error, false);
                }
            }
        }
        finish(t0);
        return new Result(true, now, out, "", false);
    }

    /** What one run of a collector produced; kept and replayed for the collector's ttl. */
    private static final class Outcome {
        final long atNanos;
        final MetricWriter.Block block;
        final int size;
        final String error;
        final String skippedBy;
        final double duration;

        Outcome(long atNanos, MetricWriter.Block block, int size, String error, String skippedBy, double duration) {
            this.atNanos = atNanos;
            this.block = block;
            this.size = size;
            this.error = error;
            this.skippedBy = skippedBy;
            this.duration = duration;
        }
    }

    private Outcome collect(Collector c, long scrapeBegin, boolean useCache, List<Map.Entry<String, String>> constLabels) {
        Outcome o = cache.get(c.branch());
        boolean hit = useCache && o != null && scrapeBegin - o.atNanos <= (long) (c.ttlSeconds() * 1e9);
        if (!hit) {
            o = execute(c, scrapeBegin, constLabels);
            cache.put(c.branch(), o);
        }
        // pg_exporter keys these by the collector's name (its metric namespace), not the branch
        QueryStat st = stats.computeIfAbsent(c.name(), k -> new QueryStat(c));
        st.collector = c;
        st.cacheTtl = c.ttlSeconds() - (scrapeBegin - o.atNanos) / 1e9;
        st.total++;
        st.metricCount = o.size;
        st.duration = o.duration;
        if (o.error != null) {
            st.errors++;
        } else {
            if (hit) {
                st.hits++;
            }
            if (o.skippedBy != null) {
                st.predicateSkips++;
            }
        }
        return o;
    }

    private Outcome execute(Collector c, long scrapeBegin, List<Map.Entry<String, String>> constLabels) {
        long q0 = System.nanoTime();
        // one budget for the predicates and the query together, as pg_exporter's per-collector context
        long deadline = c.timeoutSeconds() > 0 ? q0 + (long) (c.timeoutSeconds() * 1e9) : 0;
        for (int attempt = 0; ; attempt++) {
            try {
                connect();
                String skippedBy = predicates(c, scrapeBegin, deadline);
                if (skippedBy != null) {
                    lastError.remove(c.branch());
                    return new Outcome(scrapeBegin, null, 0, null, skippedBy, (System.nanoTime() - q0) / 1e9);
                }
                List<Emit> emits = conn.query(c.query(), remainingMs(deadline), rs -> convert(c, rs));
                MetricWriter.Block block = MetricWriter.block(emits, constLabels);
                lastError.remove(c.branch());
                return new Outcome(scrapeBegin, block, block.size(), null, null, (System.nanoTime() - q0) / 1e9);
            } catch (SQLException | RuntimeException e) {
                boolean broken = e instanceof SQLException se && isConnectionLost(se);
                if (broken) {
                    disconnect();
                    if (attempt == 0 && !reconnectTried) {
                        reconnectTried = true; // once per scrape: a server that is really gone is not hammered
                        LOG.info("connection to {} lost ({}), retrying collector {} once on a new connection", url.masked(),
                                PgUrl.maskRaw(String.valueOf(e.getMessage())), c.branch());
                        continue;
                    }
                }
                String msg = "collector " + c.branch() + " failed on " + url.masked() + ": "
                        + PgUrl.maskRaw(String.valueOf(e.getMessage()));
                if (!msg.equals(lastError.put(c.branch(), msg))) {
                    LOG.warn(msg);
                }
                return new Outcome(scrapeBegin, null, 0, msg, null, (System.nanoTime() - q0) / 1e9);
            }
        }
    }

    private static long remainingMs(long deadline) {
        if (deadline == 0) {
            return 0; // no timeout
        }
        return Math.max(1, (long) Math.ceil((deadline - System.nanoTime()) / 1e6));
    }

    /** SQLSTATEs after which the connection is gone: connection exceptions and shutdown by the server. */
    private boolean isConnectionLost(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals(STARTING))) {
            return true;
        }
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
        stats.clear(); // pg_exporter resets its statistics whenever it plans
        LOG.info("planned {} of {} collectors for {} (version {}, {})", plan.installed().size(), collectors.size(),
                url.masked(), now.version(), now.pgbouncer() ? "pgbouncer" : now.recovery() ? "replica" : "primary");
    }

    /**
     * Cheap liveness probe for the health endpoints.
     * @return the server facts, or null when it is down
     */
    public ServerInfo probe() {
        return probeState().info();
    }

    /**
     * A probe's outcome.
     * @param info     the server facts, null when down
     * @param starting the server answered SQLSTATE 57P03 (starting up, shutting down, or in recovery without hot standby)
     */
    public record Probe(ServerInfo info, boolean starting) {
    }

    /** @return the probe outcome: up with facts, starting, or down */
    public Probe probeState() {
        for (int attempt = 0; attempt < 2; attempt++) {
            boolean fresh = conn == null;
            try {
                connect();
                if (url.isPgbouncer()) {
                    return new Probe(bouncerPrecheck(), false);
                }
                ServerInfo i = info;
                ServerInfo got = conn.query("SELECT pg_is_in_recovery(), current_setting('server_version_num')::int",
                        PRECHECK_TIMEOUT_MS, rs -> {
                            if (!rs.next()) {
                                throw new SQLException("probe returned no row");
                            }
                            return new ServerInfo(((Number) rs.get(1)).intValue(), (Boolean) rs.get(0), url.database(),
                                    url.user(), i == null ? List.of() : i.databases(), i == null ? Set.of() : i.extensions(),
                                    i == null ? Set.of() : i.schemas(), false);
                        });
                return new Probe(got, false);
            } catch (SQLException | RuntimeException e) {
                disconnect();
                if (fresh || attempt == 1) {
                    return new Probe(null, e instanceof SQLException se && STARTING.equals(se.getSQLState()));
                }
            }
        }
        return new Probe(null, false);
    }

    private ServerInfo precheckRetrying() throws SQLException {
        boolean fresh = conn == null;
        try {
            return precheck();
        } catch (SQLException e) {
            if (fresh) {
                throw e;
            }
            // the kept connection may have been killed ("terminating connection due to administrator
            // command" after a restart): one more try on a new connection before reporting the server down
            LOG.info("connection to {} broken ({}), retrying once on a new connection", url.masked(),
                    PgUrl.maskRaw(String.valueOf(e.getMessage())));
            reconnectTried = true;
            return precheck();
        }
    }

    /** @return the predicate that skipped the collector (its name or index), or null when all passed */
    private String predicates(Collector c, long scrapeBegin, long deadline) throws SQLException {
        List<PredicateQuery> ps = c.predicates();
        for (int i = 0; i < ps.size(); i++) {
            PredicateQuery p = ps.get(i);
            String label = p.name().isEmpty() ? String.valueOf(i) : p.name();
            String key = c.branch() + "/" + i;
            Cached hit = predicateCache.get(key);
            boolean pass;
            // pg_exporter caches a predicate by its own ttl, whether or not the result cache is disabled
            if (p.ttlSeconds() > 0 && hit != null && scrapeBegin - hit.atNanos < (long) (p.ttlSeconds() * 1e9)) {
                pass = hit.value;
            } else {
                pass = conn.query(p.query(), remainingMs(deadline), rs -> predicateValue(c, label, rs));
                if (p.ttlSeconds() > 0) {
                    predicateCache.put(key, new Cached(scrapeBegin, null, pass));
                }
            }
            if (!pass) {
                return label;
            }
        }
        return null;
    }

    /** pg_exporter's rule: one boolean column, at most one row; no row or NULL is a skip, anything else an error. */
    private static boolean predicateValue(Collector c, String label, Session.Rows rs) throws SQLException {
        String what = "predicate query [" + label + "] of " + c.branch();
        if (rs.columns().size() != 1) {
            throw new PredicateException(what + " returned " + rs.columns().size() + " columns, expected 1");
        }
        List<String> types = rs.types();
        if (!types.isEmpty() && !types.get(0).equalsIgnoreCase("bool") && !types.get(0).equalsIgnoreCase("boolean")) {
            throw new PredicateException(what + " returned a column of type " + types.get(0)
                    + ", expected bool (cast it: ...::boolean)");
        }
        Boolean value = null;
        boolean first = true;
        while (rs.next()) {
            if (!first) {
                throw new PredicateException(what + " returned more than one row");
            }
            first = false;
            Object o = rs.get(0);
            if (o instanceof String str) {
                value = str.equals("t") || str.equalsIgnoreCase("true"); // text protocol (PgBouncer)
            } else if (o instanceof Boolean b) {
                value = b;
            } else if (o != null) {
                throw new PredicateException(what + " returned " + o.getClass().getSimpleName() + ", expected bool");
            }
        }
        return Boolean.TRUE.equals(value);
    }

    /** A predicate that broke pg_exporter's rules: a collector failure, not a lost connection. */
    private static final class PredicateException extends SQLException {
        private static final long serialVersionUID = 1L;

        PredicateException(String message) {
            super(message, "42804");
        }
    }

    private List<Emit> convert(Collector c, Session.Rows rs) throws SQLException {
        Map<String, Integer> index = new HashMap<>();
        List<String> cols = rs.columns();
        for (int i = 0; i < cols.size(); i++) {
            index.putIfAbsent(cols.get(i), i);
        }
        for (int i = 0; i < cols.size(); i++) {
            index.putIfAbsent(cols.get(i).toLowerCase(Locale.ROOT), i);
        }
        List<Column> labels = new ArrayList<>();
        List<Column> metrics = new ArrayList<>();
        List<Integer> metricPos = new ArrayList<>();
        List<Integer> labelPos = new ArrayList<>();
        for (Column col : c.columns()) {
            Integer at = index.get(col.column());
            if (at == null) {
                at = index.get(col.column().toLowerCase(Locale.ROOT));
            }
            if (col.usage() == ColumnUsage.LABEL) {
                if (at == null) {
                    // a missing label would merge distinct series: pg_exporter fails the collector
                    throw new IllegalStateException("result lacks label column " + col.column());
                }
                labels.add(col);
                labelPos.add(at);
            } else if (col.usage().isMetric()) {
                if (at == null) {
                    if (col.usage() == ColumnUsage.HISTOGRAM) {
                        throw new IllegalStateException("result lacks histogram column " + col.column());
                    }
                    String key = c.branch() + "." + col.column();
                    if (warnedMissing.add(key)) {
                        LOG.warn("collector {} on {}: result lacks metric column {}, skipping it", c.branch(), url.masked(),
                                col.column());
                    }
                    continue;
                }
                metrics.add(col);
                metricPos.add(at);
            }
        }
        List<Emit> out = new ArrayList<>();
        Map<String, HistAcc> hists = new LinkedHashMap<>();
        while (rs.next()) {
            List<Map.Entry<String, String>> lv = new ArrayList<>(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                Object v = rs.get(labelPos.get(i));
                lv.add(Map.entry(labels.get(i).exportedName(), labelText(v)));
            }
            lv = List.copyOf(lv);
            for (int i = 0; i < metrics.size(); i++) {
                Column col = metrics.get(i);
                Object raw = rs.get(metricPos.get(i));
                String name = col.metricName(c.name());
                String help = col.description().isEmpty() ? (c.desc().isEmpty() ? name : c.desc()) : col.description();
                if (col.usage() == ColumnUsage.HISTOGRAM) {
                    if (raw == null && col.defaultValue().isEmpty()) {
                        continue; // pg_exporter: a NULL observation is absent unless a default is given
                    }
                    double v = value(raw, col, c);
                    if (!Double.isFinite(v)) {
                        throw new IllegalStateException("histogram column " + col.column() + ": non-finite observation " + v);
                    }
                    List<Map.Entry<String, String>> key = lv;
                    hists.computeIfAbsent(name + key, k -> new HistAcc(name, col.description(), key, col.buckets())).observe(v);
                } else {
                    out.add(new Emit.Sample(name, col.usage() == ColumnUsage.COUNTER ? MetricWriter.Type.COUNTER
                            : MetricWriter.Type.GAUGE, help, lv, value(raw, col, c)));
                }
            }
        }
        hists.values().forEach(h -> out.add(h.emit()));
        return List.copyOf(out);
    }

    /**
     * pg_exporter's value rules: NULL is the column's default (scaled) or NaN; numbers are scaled;
     * times are unix seconds and booleans 0/1, both unscaled; text that is not a number is NaN
     * (with a warning). LSN text ({@code 0/3000060}) is read as its byte position.
     */
    private double value(Object raw, Column col, Collector c) {
        double scale = col.scale();
        if (raw == null) {
            return col.defaultValue().isPresent() ? col.defaultValue().getAsDouble() * scale : Double.NaN;
        }
        if (raw instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (raw instanceof java.util.Date d) {
            return Math.floorDiv(d.getTime(), 1000L);
        }
        if (raw instanceof java.time.OffsetDateTime t) {
            return t.toEpochSecond();
        }
        if (raw instanceof Temporal) {
            String key = c.branch() + "." + col.column() + ":time";
            if (warnedMissing.add(key)) {
                LOG.warn("collector {}: column {} is a date/time without zone; export extract(epoch from ...)", c.branch(),
                        col.column());
            }
            return Double.NaN;
        }
        Double d = toDouble(raw, col.column());
        if (d == null) {
            String key = c.branch() + "." + col.column() + ":nan";
            if (warnedMissing.add(key)) {
                LOG.warn("collector {}: column {} value '{}' is not a number, exporting NaN", c.branch(), col.column(), raw);
            }
            return Double.NaN;
        }
        return d * scale;
    }

    private static String labelText(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof java.util.Date d) {
            return String.valueOf(Math.floorDiv(d.getTime(), 1000L));
        }
        return v.toString();
    }

    private static final class HistAcc {
        final String name;
        final String description;
        final List<Map.Entry<String, String>> labels;
        final List<Double> bounds;
        final long[] counts;
        double sum;
        long count;

        HistAcc(String name, String description, List<Map.Entry<String, String>> labels, List<Double> bounds) {
            this.name = name;
            this.description = description;
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
            return new Emit.Histogram(name, description, labels, bounds, Arrays.copyOf(counts, counts.length), sum, count);
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
                    return null;
                }
            }
        }
    }

    /**
     * Adds this database's self-metrics with pg_exporter's names (under {@code <namespace>_exporter_})
     * and types: gauges, also for the counts, as pg_exporter emits them.
     *
     * @param out       where to add
     * @param namespace {@code pg}, {@code pgbouncer} or the configured one
     */
    public void selfMetricsTo(List<Emit> out, String namespace) {
        String srv = namespace + "_exporter_server_";
        String qry = namespace + "_exporter_query_";
        String datname = info != null ? info.datname() : url.database();
        List<Map.Entry<String, String>> db = List.of(Map.entry("datname", datname));
        MetricWriter.Type g = MetricWriter.Type.GAUGE;
        out.add(new Emit.Sample(srv + "scrape_duration", g, "seconds the last scrape of this database took", db, lastDuration));
        out.add(new Emit.Sample(srv + "scrape_total_seconds", g, "seconds spent scraping this database", db, totalSeconds));
        out.add(new Emit.Sample(srv + "scrape_total_count", g, "scrapes of this database", db, scrapeCount));
        out.add(new Emit.Sample(srv + "scrape_error_count", g, "failed scrapes of this database (unreachable or a fatal"
                + " collector failed)", db, errorCount));
        for (Map.Entry<String, QueryStat> e : stats.entrySet()) {
            QueryStat s = e.getValue();
            List<Map.Entry<String, String>> l = List.of(Map.entry("datname", datname), Map.entry("query", e.getKey()));
            out.add(new Emit.Sample(qry + "cache_ttl", g, "seconds the collector's cached result stays valid", l, s.cacheTtl));
            out.add(new Emit.Sample(qry + "scrape_total_count", g, "times the collector was scraped (incl. cache hits)", l,
                    s.total));
            out.add(new Emit.Sample(qry + "scrape_error_count", g, "times the collector failed", l, s.errors));
            if (!s.collector.predicates().isEmpty()) {
                out.add(new Emit.Sample(qry + "scrape_predicate_skip_count", g,
                        "times the collector was skipped by a predicate query", l, s.predicateSkips));
            }
            out.add(new Emit.Sample(qry + "scrape_duration", g, "seconds the collector's last run took", l, s.duration));
            out.add(new Emit.Sample(qry + "scrape_metric_count", g, "series the collector's last run produced", l,
                    s.metricCount));
            out.add(new Emit.Sample(qry + "scrape_hit_count", g, "times the collector was served from its cache", l, s.hits));
        }
    }

    /** @return per collector name: total, hits, errors, skips, series, remaining ttl, last duration (for {@code /stat}) */
    public String statTable() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %-10s %-10s %-10s %-10s %-10s %-6s %-10s%n",
                "name", "total", "hit", "error", "skip", "metric", "ttl/s", "duration/ms"));
        for (Map.Entry<String, QueryStat> e : stats.entrySet()) {
            QueryStat s = e.getValue();
            sb.append(String.format(Locale.ROOT, "%-24s %-10d %-10d %-10d %-10d %-10d %-6d %-10f%n", e.getKey(), s.total, s.hits,
                    s.errors, s.predicateSkips, s.metricCount, (long) s.cacheTtl, s.duration * 1000));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        disconnect();
    }
}
