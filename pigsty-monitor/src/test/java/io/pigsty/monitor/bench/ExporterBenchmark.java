package io.pigsty.monitor.bench;

import io.pigsty.monitor.PgFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Our exporter (the shaded jar, as deployed) against Debian's prometheus-postgres-exporter on the
 * same PostgreSQL 15 with pg_stat_statements and 50 tables, all exporters running side by side and
 * scraped in interleaved rounds: distinct metric names, series, scrape latency (median/p99 over
 * the measured scrapes after the warm-up), CPU time of each exporter process during the measured
 * scrapes (utime+stime from /proc/PID/stat), and memory: VmRSS and VmHWM (peak RSS) from
 * /proc/PID/status after the run. The first row is the deployment's shape: ONE JVM per node serving
 * PostgreSQL and PgBouncer on two listeners ({@code --target} twice) with {@link #RECOMMENDED_JVM_FLAGS}
 * and {@code MALLOC_ARENA_MAX=2}; every round scrapes both of its endpoints, as Prometheus would.
 *
 * <p>Run: {@code mvn -pl pigsty-monitor package -DskipTests} then
 * {@code mvn -pl pigsty-monitor exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.pigsty.monitor.bench.ExporterBenchmark}.
 */
public final class ExporterBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int WARMUP = 150; // steady state: the JVM JIT-compiles the scrape path over the first ~100 scrapes
    private static final int SCRAPES = 100;
    private static final long CLK_TCK = 100; // Linux USER_HZ

    /**
     * JVM flags for the exporter on a node, chosen by this benchmark: a small heap with the serial
     * collector (one scrape allocates a few MB; no GC threads), C1 only (the scrape path compiles
     * fast and its code cache stays small), small reserved code cache, metaspace and thread stacks,
     * no perf-data file; the JDK's default class-data-sharing archive stays on (-Xshare:auto; off saved
     * under 1 MiB). A 16 MiB heap, 8 MiB code cache and -XX:TrimNativeHeapInterval=10000 measured
     * about 6 MiB less RSS in a separate probe, but started too slowly on a loaded 2-core host.
     */
    public static final List<String> RECOMMENDED_JVM_FLAGS = List.of("-Xms8m", "-Xmx24m", "-Xmn6m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m",
            "-XX:MaxMetaspaceSize=48m", "-XX:CompressedClassSpaceSize=16m", "-Xss256k", "-XX:-UsePerfData",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-Xshare:auto");
    /** Environment for the exporter process: fewer glibc malloc arenas (each thread would get its own). */
    public static final Map<String, String> RECOMMENDED_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    private ExporterBenchmark() {
    }

    /** One measured exporter. */
    record Row(String name, int names, int coreNames, int series, int bytes, double medianMs, double p99Ms, double cpuMs,
               long rssKb, long hwmKb, double bouncerMedianMs) {
    }

    /**
     * @param args ignored
     * @throws Exception when a process fails
     */
    public static void main(String[] args) throws Exception {
        String why = PgFixture.missing("/usr/bin/prometheus-postgres-exporter");
        if (why != null) {
            throw new IllegalStateException("cannot run the benchmark: " + why);
        }
        Path jar = Path.of("pigsty-monitor/target/pg-exporter.jar");
        if (!Files.exists(jar)) {
            jar = Path.of("target/pg-exporter.jar");
        }
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the jar first: mvn -pl pigsty-monitor -am package -DskipTests");
        }
        List<Row> rows = new ArrayList<>();
        String load0 = Files.readString(Path.of("/proc/loadavg")).strip();
        try (PgFixture fx = PgFixture.create()) {
            PgFixture.Instance pg = fx.primary(Map.of("pg_stat_statements.max", "1000"));
            pg.psql("CREATE DATABASE bench", "postgres");
            StringBuilder ddl = new StringBuilder("CREATE EXTENSION pg_stat_statements;");
            for (int i = 1; i <= 50; i++) {
                ddl.append("CREATE TABLE t").append(i).append(" (id bigserial PRIMARY KEY, k int, v text);")
                        .append("CREATE INDEX ON t").append(i).append(" (k);")
                        .append("INSERT INTO t").append(i).append(" (k, v) SELECT g % 100, md5(g::text) FROM generate_series(1, 2000) g;");
            }
            ddl.append("ANALYZE;");
            pg.psql(ddl.toString(), "bench");
            StringBuilder work = new StringBuilder();
            for (int i = 1; i <= 50; i++) {
                work.append("SELECT count(*) FROM t").append(i).append(" WHERE k = ").append(i).append(';')
                        .append("UPDATE t").append(i).append(" SET v = v WHERE id < 10;");
            }
            for (int r = 0; r < 3; r++) {
                pg.psql(work.toString(), "bench");
            }
            String url = pg.url("bench");
            int bouncer = fx.pgbouncer(pg);
            String bouncerUrl = "postgres://postgres:" + PgFixture.PASSWORD + "@127.0.0.1:" + bouncer + "/pgbouncer";
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Target> targets = new ArrayList<>();
            int p0 = PgFixture.freePort();
            int p0b = PgFixture.freePort();
            List<String> node = new ArrayList<>(List.of(java));
            node.addAll(RECOMMENDED_JVM_FLAGS);
            node.addAll(List.of("-jar", jar.toAbsolutePath().toString(),
                    "--target", "name=pgsql,url=" + url + ",listen=127.0.0.1:" + p0,
                    "--target", "name=pgbouncer,url=" + bouncerUrl + ",listen=127.0.0.1:" + p0b));
            Target one = new Target("ours: ONE JVM, PG :" + "9630 + PgBouncer :9631, flags", fx.spawn(node,
                    fx.dir().resolve("node.log"), RECOMMENDED_ENV), p0);
            one.bouncerPort = p0b;
            targets.add(one);
            int p1 = PgFixture.freePort();
            targets.add(new Target("ours: PG only, default JVM flags", fx.spawn(List.of(java, "-jar",
                    jar.toAbsolutePath().toString(), "--url", url, "--listen", "127.0.0.1:" + p1), fx.dir().resolve("ours.log")), p1));
            int p2 = PgFixture.freePort();
            List<String> nocache = new ArrayList<>(List.of(java));
            nocache.addAll(RECOMMENDED_JVM_FLAGS);
            nocache.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--url", url, "--listen", "127.0.0.1:" + p2,
                    "--disable-cache"));
            targets.add(new Target("ours: PG only, flags, --disable-cache", fx.spawn(nocache,
                    fx.dir().resolve("ours-nocache.log"), RECOMMENDED_ENV), p2));
            int p3 = PgFixture.freePort();
            targets.add(new Target("prometheus-postgres-exporter (defaults, PG)", fx.spawn(List.of(
                    "/usr/bin/prometheus-postgres-exporter", "--web.listen-address=127.0.0.1:" + p3), fx.dir().resolve("theirs.log"),
                    Map.of("DATA_SOURCE_NAME", url.replace("postgres://", "postgresql://") + "?sslmode=disable")), p3));
            for (Target t : targets) {
                waitLong(t.port, t.process, t.name);
                if (t.bouncerPort > 0) {
                    waitLong(t.bouncerPort, t.process, t.name + " (pgbouncer listener)");
                }
            }
            // interleaved rounds: whatever else the machine does hits every exporter alike
            for (int i = 0; i < WARMUP; i++) {
                for (Target t : targets) {
                    t.body = scrape(t.uri());
                    if (t.bouncerPort > 0) {
                        scrape(t.bouncerUri());
                    }
                }
            }
            for (Target t : targets) {
                t.cpu0 = cpuTicks(t.process.pid());
            }
            for (int i = 0; i < SCRAPES; i++) {
                for (Target t : targets) {
                    long t0 = System.nanoTime();
                    t.body = scrape(t.uri());
                    t.ms.add((System.nanoTime() - t0) / 1e6);
                    if (t.bouncerPort > 0) {
                        long b0 = System.nanoTime();
                        String b = scrape(t.bouncerUri());
                        t.bouncerMs.add((System.nanoTime() - b0) / 1e6);
                        if (!b.contains("pgbouncer_up 1")) {
                            throw new IllegalStateException("the PgBouncer listener did not report pgbouncer_up 1");
                        }
                    }
                }
            }
            for (Target t : targets) {
                rows.add(t.row(cpuTicks(t.process.pid()), status(t.process.pid(), "VmRSS"), status(t.process.pid(), "VmHWM")));
                t.process.destroy();
                t.process.waitFor();
            }
        }
        System.out.println();
        System.out.printf("host: %d cpus, /proc/loadavg before %s, after %s%n", Runtime.getRuntime().availableProcessors(), load0,
                Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf("PostgreSQL 15, database 'bench' with 50 tables + pg_stat_statements, PgBouncer in front; %d warm-up"
                + " + %d measured interleaved scrapes each (the one-JVM row: PG and PgBouncer endpoint each round)%n", WARMUP, SCRAPES);
        System.out.printf("%-46s %6s %6s %7s %8s %10s %8s %11s %8s %8s %9s%n", "exporter", "names", "core*", "series", "bytes",
                "median ms", "p99 ms", "CPU ms", "RSS MiB", "peak MiB", "bnc med");
        for (Row r : rows) {
            System.out.printf("%-46s %6d %6d %7d %8d %10.2f %8.2f %11.0f %8.1f %8.1f %9s%n", r.name, r.names, r.coreNames, r.series,
                    r.bytes, r.medianMs, r.p99Ms, r.cpuMs, r.rssKb / 1024.0, r.hwmKb / 1024.0,
                    Double.isNaN(r.bouncerMedianMs) ? "-" : String.format("%.2f", r.bouncerMedianMs));
        }
        System.out.println("recommended JVM flags (row 1): " + String.join(" ", RECOMMENDED_JVM_FLAGS) + "  env: MALLOC_ARENA_MAX=2");
        System.out.println("CPU ms = utime+stime of the process during the measured scrapes (one-JVM row: both endpoints);"
                + " RSS = VmRSS after the run, peak = VmHWM");
        Row base = rows.get(rows.size() - 1);
        System.out.printf("* core = names without runtime (go_, process_, promhttp_), self (pg_exporter_, postgres_exporter_)"
                + " and one-name-per-setting (pg_settings_) metrics%n");
        System.out.printf("names ratio ours/theirs: all %.1fx, core %.1fx; PG median latency ratio ours/theirs: one JVM %.2f,"
                        + " default flags %.2f, cache off %.2f; RSS one JVM (PG+PgBouncer) %.1f MiB vs theirs (PG) %.1f MiB%n",
                (double) rows.get(0).names / base.names, (double) rows.get(0).coreNames / base.coreNames,
                rows.get(0).medianMs / base.medianMs, rows.get(1).medianMs / base.medianMs, rows.get(2).medianMs / base.medianMs,
                rows.get(0).rssKb / 1024.0, base.rssKb / 1024.0);
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

        Target(String name, Process process, int port) {
            this.name = name;
            this.process = process;
            this.port = port;
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
            return new Row(name, names.size(), (int) pgNames, series, body.length(), sorted.get(sorted.size() / 2),
                    sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1), (cpu1 - cpu0) * 1000.0 / CLK_TCK, rssKb, hwmKb,
                    b.isEmpty() ? Double.NaN : b.get(b.size() / 2));
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
