package io.pigsty.monitor.bench;

import io.pigsty.monitor.PgFixture;
import io.pigsty.monitor.prometheus.UnitLaunch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The exporter as a node runs it, measured: the {@code pg_exporter} unit rendered by the MONITOR module
 * for a member of the sample {@code sandbox} inventory ({@link UnitLaunch}: its {@code ExecStart} with the
 * JVM flags of {@code pg_exporter_jvm_options}, the unit's {@code Environment=} and its env file, nothing
 * else inherited), ONE JVM serving PostgreSQL and PgBouncer on two listeners with the full bundled
 * collector set and auto-discovery, against a real PostgreSQL 15 on loopback (pg_stat_statements, a
 * database {@code bench} with 50 tables) and PgBouncer in front of it. Every round scrapes both
 * endpoints, as Prometheus would; Debian's prometheus-postgres-exporter (when installed) is scraped in
 * the same interleaved rounds as the peer. Printed: scrape latency p50/p99 of each endpoint over the
 * measured rounds, CPU time (utime+stime from /proc/PID/stat), VmRSS after the warm-up and at steady
 * state (sampled every 10 rounds: max and last), VmHWM (peak RSS), and whether the JVM logged an
 * OutOfMemoryError (it must not).
 *
 * <p>Run: {@code mvn -pl pigsty-monitor exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.pigsty.monitor.bench.ExporterBenchmark} (after {@code mvn install -DskipTests}), or with
 * {@code java -cp} on pigsty-monitor's test and main classes, pigsty-model's, pigsty-api's and their jars, from
 * the repository root; arguments {@code [--flags "<jvm flags>"] [--env K=V] [--rounds W,M] [--jar PATH]
 * [--no-peer] [--tables N]} ({@code --tables}: the size of database {@code bench}, 50 by default; 2000 sizes
 * the heap's live set of a member with many tables). {@code --flags} and {@code --env} try other settings than the rendered unit's (how the levers
 * were chosen); without them it measures the unit.
 */
public final class ExporterBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long CLK_TCK = 100; // Linux USER_HZ
    /** The issue's goal for one exporter JVM serving PostgreSQL and PgBouncer while scraping. */
    public static final long GOAL_RSS_MIB = 64;

    private ExporterBenchmark() {
    }

    /** One measured exporter. */
    record Row(String name, int names, int coreNames, int series, int bytes, double p50Ms, double p99Ms, double cpuMs,
               long warmRssKb, long maxRssKb, long rssKb, long hwmKb, double bouncerP50Ms, double bouncerP99Ms) {
    }

    /**
     * @param args {@code --flags "<jvm flags>"} instead of the unit's, {@code --env K=V} (repeatable) on top of
     *             the unit's environment, {@code --rounds W,M} warm-up and measured rounds (150,200), {@code --jar PATH} another build,
     *             {@code --no-peer} to leave Debian's exporter out
     * @throws Exception when a process fails
     */
    public static void main(String[] args) throws Exception {
        String flags = null;
        Map<String, String> extraEnv = new LinkedHashMap<>();
        int warmup = 150; // the JVM compiles the scrape path over the first ~100 scrapes
        int rounds = 200;
        boolean peer = true;
        Path jarArg = null;
        int tables = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--flags" -> flags = args[++i];
                case "--env" -> {
                    String kv = args[++i];
                    extraEnv.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                case "--rounds" -> {
                    String[] wm = args[++i].split(",");
                    warmup = Integer.parseInt(wm[0]);
                    rounds = Integer.parseInt(wm[1]);
                }
                case "--no-peer" -> peer = false;
                case "--jar" -> jarArg = Path.of(args[++i]);
                case "--tables" -> tables = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        String why = PgFixture.missing("/usr/sbin/pgbouncer");
        if (why != null) {
            throw new IllegalStateException("cannot run the benchmark: " + why);
        }
        peer &= Files.isExecutable(Path.of("/usr/bin/prometheus-postgres-exporter"));
        Path jar = jarArg != null ? jarArg : Path.of("pigsty-monitor/target/pg-exporter.jar");
        if (!Files.exists(jar)) {
            jar = Path.of("target/pg-exporter.jar");
        }
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the jar first: mvn -pl pigsty-monitor -am package -DskipTests");
        }
        List<Row> rows = new ArrayList<>();
        String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
        UnitLaunch launch;
        int downScrapes;
        try (PgFixture fx = PgFixture.create()) {
            PgFixture.Instance pg = fx.primary(Map.of("pg_stat_statements.max", "1000"));
            pg.psql("CREATE DATABASE bench", "postgres");
            pg.psql("CREATE EXTENSION pg_stat_statements", "bench");
            for (int from = 1; from <= tables; from += 100) { // batches: psql gets its SQL on the command line
                StringBuilder ddl = new StringBuilder();
                for (int i = from; i <= Math.min(tables, from + 99); i++) {
                    ddl.append("CREATE TABLE t").append(i).append(" (id bigserial PRIMARY KEY, k int, v text);")
                            .append("CREATE INDEX ON t").append(i).append(" (k);")
                            .append("INSERT INTO t").append(i).append(" (k, v) SELECT g % 100, md5(g::text) FROM generate_series(1, 2000) g;");
                }
                pg.psql(ddl.toString(), "bench");
            }
            pg.psql("ANALYZE", "bench");
            StringBuilder work = new StringBuilder();
            for (int i = 1; i <= Math.min(tables, 50); i++) {
                work.append("SELECT count(*) FROM t").append(i).append(" WHERE k = ").append(i).append(';')
                        .append("UPDATE t").append(i).append(" SET v = v WHERE id < 10;");
            }
            for (int r = 0; r < 3; r++) {
                pg.psql(work.toString(), "bench");
            }
            int bouncer = fx.pgbouncer(pg);
            int p0 = PgFixture.freePort();
            int p0b = PgFixture.freePort();
            launch = UnitLaunch.local(UnitLaunch.deployed(), jar, fx.dir().resolve("pg_exporter"), p0,
                    pg.url("postgres") + "?sslmode=disable", p0b,
                    "postgres://postgres:" + PgFixture.PASSWORD + "@127.0.0.1:" + bouncer + "/pgbouncer?sslmode=disable");
            List<String> argv = new ArrayList<>(launch.argv());
            if (flags != null) {
                int jarAt = argv.indexOf("-jar");
                argv.subList(1, jarAt).clear();
                argv.addAll(1, List.of(flags.trim().split("\\s+")));
            }
            Map<String, String> env = new LinkedHashMap<>(launch.env());
            env.putAll(extraEnv);
            List<Target> targets = new ArrayList<>();
            Path unitLog = fx.dir().resolve("unit.log");
            Target one = new Target((flags == null && extraEnv.isEmpty() ? "the rendered pg_exporter unit" : "unit, other flags")
                    + " (PG+PgBouncer)", fx.spawnExactEnv(argv, unitLog, env), p0);
            one.bouncerPort = p0b;
            one.log = unitLog;
            targets.add(one);
            if (peer) {
                int p3 = PgFixture.freePort();
                targets.add(new Target("prometheus-postgres-exporter (PG)", fx.spawn(List.of(
                        "/usr/bin/prometheus-postgres-exporter", "--web.listen-address=127.0.0.1:" + p3),
                        fx.dir().resolve("theirs.log"), Map.of("DATA_SOURCE_NAME", pg.url("bench")
                                .replace("postgres://", "postgresql://") + "?sslmode=disable")), p3));
            }
            for (Target t : targets) {
                waitLong(t.port, t.process, t.name);
                if (t.bouncerPort > 0) {
                    waitLong(t.bouncerPort, t.process, t.name + " (pgbouncer listener)");
                }
            }
            // interleaved rounds: whatever else the machine does hits every exporter alike
            for (int i = 0; i < warmup; i++) {
                for (Target t : targets) {
                    t.round(false);
                }
            }
            for (Target t : targets) {
                t.cpu0 = cpuTicks(t.process.pid());
                t.warmRssKb = status(t.process.pid(), "VmRSS");
            }
            for (int i = 0; i < rounds; i++) {
                for (Target t : targets) {
                    t.round(true);
                    if (i % 10 == 9) {
                        t.maxRssKb = Math.max(t.maxRssKb, status(t.process.pid(), "VmRSS"));
                    }
                }
            }
            for (Target t : targets) {
                long rss = status(t.process.pid(), "VmRSS");
                rows.add(t.row(cpuTicks(t.process.pid()), rss, status(t.process.pid(), "VmHWM")));
                t.process.destroy();
                t.process.waitFor();
            }
            if (one.down > rounds / 20) {
                throw new IllegalStateException(one.down + " of " + 2 * rounds + " measured scrapes reported their target down");
            }
            downScrapes = one.down;
            String log = Files.readString(unitLog);
            if (log.contains("OutOfMemoryError")) {
                throw new IllegalStateException("the exporter ran out of memory: " + unitLog + "\n" + log);
            }
        }
        System.out.println();
        System.out.printf("host: %d cpus, /proc/loadavg before %s, after %s; JVM %s%n", Runtime.getRuntime().availableProcessors(),
                load0, Files.readString(Path.of("/proc/loadavg")).strip(), System.getProperty("java.vm.version"));
        System.out.printf("PostgreSQL 15 (pg_stat_statements, database 'bench' with %d tables, auto-discovery), PgBouncer in"
                + " front; %d warm-up + %d measured interleaved rounds, each scraping every endpoint once%n", tables, warmup, rounds);
        System.out.printf("%-44s %6s %6s %7s %8s %7s %7s %8s %8s %8s %8s %8s %8s %8s%n", "exporter", "names", "core*", "series",
                "bytes", "p50 ms", "p99 ms", "bnc p50", "bnc p99", "CPU ms", "RSS wrm", "RSS max", "RSS end", "peak");
        for (Row r : rows) {
            System.out.printf("%-44s %6d %6d %7d %8d %7.2f %7.2f %8s %8s %8.0f %8.1f %8.1f %8.1f %8.1f%n", r.name, r.names,
                    r.coreNames, r.series, r.bytes, r.p50Ms, r.p99Ms, fmt(r.bouncerP50Ms), fmt(r.bouncerP99Ms), r.cpuMs,
                    r.warmRssKb / 1024.0, r.maxRssKb / 1024.0, r.rssKb / 1024.0, r.hwmKb / 1024.0);
        }
        List<String> shown = new ArrayList<>(launch.argv());
        System.out.println("unit JVM flags: " + (flags != null ? flags + " (--flags; the unit's: " + String.join(" ",
                launch.jvmFlags()) + ")" : String.join(" ", launch.jvmFlags())));
        Map<String, String> shownEnv = new TreeMap<>(UnitLaunch.environment(launch.unit().unitFile()));
        shownEnv.putAll(extraEnv);
        System.out.println("unit Environment=: " + shownEnv + "; ExecStart: " + String.join(" ", shown.subList(shown.indexOf("-jar"),
                shown.size())));
        System.out.println("MiB; RSS wrm = VmRSS after the warm-up, max = highest VmRSS sampled every 10 measured rounds, end = after"
                + " them, peak = VmHWM; CPU ms = utime+stime during the measured rounds (unit row: both endpoints)");
        System.out.println("* core = names without runtime (go_, process_, promhttp_), self (pg_exporter_, postgres_exporter_)"
                + " and one-name-per-setting (pg_settings_) metrics");
        Row unit = rows.get(0);
        System.out.printf("unit: RSS max %.1f MiB (goal <= %d MiB: %s), peak %.1f MiB; PG p50 %.2f ms p99 %.2f ms, PgBouncer p50"
                        + " %.2f ms p99 %.2f ms%s%n", unit.maxRssKb / 1024.0, GOAL_RSS_MIB,
                unit.maxRssKb <= GOAL_RSS_MIB * 1024 ? "met" : "NOT met", unit.hwmKb / 1024.0, unit.p50Ms, unit.p99Ms,
                unit.bouncerP50Ms, unit.bouncerP99Ms, rows.size() > 1 ? String.format("; peer RSS %.1f MiB, PG p50 %.2f ms,"
                        + " p50 ratio ours/peer %.2f", rows.get(1).rssKb / 1024.0, rows.get(1).p50Ms,
                unit.p50Ms / rows.get(1).p50Ms) : "");
        System.out.printf("unit: %d of %d measured scrapes reported pg_up/pgbouncer_up 0; no OutOfMemoryError in its log%n",
                downScrapes, 2 * rounds);
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "-" : String.format("%.2f", ms);
    }

    private static final class Target {
        final String name;
        final Process process;
        final int port;
        int bouncerPort;
        final List<Double> ms = new ArrayList<>();
        final List<Double> bouncerMs = new ArrayList<>();
        String body = "";
        long cpu0;
        long warmRssKb;
        long maxRssKb;
        int down;
        Path log;

        Target(String name, Process process, int port) {
            this.name = name;
            this.process = process;
            this.port = port;
        }

        /** One scrape of each endpoint; timed when measured; every answer must report its target up. */
        void round(boolean measured) throws Exception {
            long t0 = System.nanoTime();
            body = scrape(uri());
            double ms = (System.nanoTime() - t0) / 1e6;
            if (bouncerPort > 0 && !body.contains("\npg_up 1\n") && measured) {
                down++; // a connect timeout on a loaded host; the warm-up's are not counted
            }
            if (measured) {
                this.ms.add(ms);
            }
            if (bouncerPort > 0) {
                long b0 = System.nanoTime();
                String b = scrape(bouncerUri());
                double bms = (System.nanoTime() - b0) / 1e6;
                if (!b.contains("pgbouncer_up 1") && measured) {
                    down++;
                }
                if (measured) {
                    bouncerMs.add(bms);
                }
            }
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port + "/metrics");
        }

        URI bouncerUri() {
            return URI.create("http://127.0.0.1:" + bouncerPort + "/metrics");
        }

        Row row(long cpu1, long rssKb, long hwmKb) {
            List<Double> sorted = new ArrayList<>(ms);
            Collections.sort(sorted);
            maxRssKb = Math.max(maxRssKb, rssKb);
            Set<String> names = new TreeSet<>();
            int series = 0;
            for (String line : body.split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line.replaceAll("[{ ].*", ""));
                    series++;
                }
            }
            long pgNames = names.stream().filter(n -> !n.startsWith("go_") && !n.startsWith("process_")
                    && !n.startsWith("promhttp_") && !n.startsWith("pg_settings_") && !n.startsWith("pg_exporter_")
                    && !n.startsWith("postgres_exporter_")).count();
            List<Double> b = new ArrayList<>(bouncerMs);
            Collections.sort(b);
            return new Row(name, names.size(), (int) pgNames, series, body.length(), p(sorted, 0.5), p(sorted, 0.99),
                    (cpu1 - cpu0) * 1000.0 / CLK_TCK, warmRssKb, maxRssKb, rssKb, hwmKb, p(b, 0.5), p(b, 0.99));
        }

        /** Nearest-rank percentile of sorted values; NaN when there are none. */
        private static double p(List<Double> sorted, double q) {
            return sorted.isEmpty() ? Double.NaN : sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * q) - 1));
        }
    }

    private static String scrape(URI uri) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** Up to four times PgFixture's 30 s: four JVMs start at once here, on a host that may be busy. */
    private static void waitLong(int port, Process p, String what) throws Exception {
        for (int i = 0; ; i++) {
            try {
                PgFixture.waitForPort(port, p, what);
                return;
            } catch (AssertionError e) {
                if (i == 3 || !p.isAlive()) {
                    throw e;
                }
            }
        }
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM). */
    private static long status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** utime + stime of a process (and its exited children) from /proc/PID/stat, in clock ticks. */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: state(0) ppid(1) ... utime(11) stime(12)
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
