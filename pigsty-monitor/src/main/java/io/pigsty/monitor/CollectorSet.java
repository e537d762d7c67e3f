package io.pigsty.monitor;

import io.pigsty.monitor.internal.ConfigParser;
import io.pigsty.monitor.internal.SelfMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable set of collectors in pg_exporter's YAML format, keyed by branch name.
 * Load one file, a directory (top-level {@code *.yml}/{@code *.yaml} merged in file-name order,
 * a later branch replacing an earlier one of the same key), or the set shipped with this library.
 * As in pg_exporter, a directory load skips a file with problems (with a warning) and keeps the
 * others, and gives a collector without {@code priority} the default {@code 100 + rank} of its
 * file among the files that loaded; unknown fields are ignored with a warning.
 */
public final class CollectorSet {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorSet.class);
    /** Classpath folder of the shipped collector files. */
    public static final String RESOURCE_DIR = "io/pigsty/monitor/collectors/";
    private static final String INDEX = RESOURCE_DIR + "index.txt";

    private final Map<String, Collector> byBranch;
    private final String origin;
    private final List<String> warnings;

    private CollectorSet(Map<String, Collector> byBranch, String origin, List<String> warnings) {
        this.byBranch = Collections.unmodifiableMap(new LinkedHashMap<>(byBranch));
        this.origin = origin;
        this.warnings = List.copyOf(warnings);
        for (String w : this.warnings) {
            LOG.warn(w);
        }
    }

    /** @return what was ignored or skipped while loading (unknown fields, skipped files), one line each */
    public List<String> warnings() {
        return warnings;
    }

    /** @return the collector set shipped with the library (the {@code NNNN-*.yml} resources) */
    public static CollectorSet defaults() {
        return Defaults.SET;
    }

    /** @return the names of the shipped collector files, in merge order */
    public static List<String> defaultFiles() {
        try (InputStream in = CollectorSet.class.getClassLoader().getResourceAsStream(INDEX)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + INDEX);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param path a YAML file, or a directory of them
     * @return the merged collectors
     * @throws ConfigException listing every problem found in every file
     */
    public static CollectorSet load(Path path) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Collector> merged = new LinkedHashMap<>();
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().endsWith(".yml") || p.getFileName().toString().endsWith(".yaml"))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
            } catch (IOException e) {
                throw new ConfigException(List.of(path + ": cannot list directory: " + e.getMessage()));
            }
            if (files.isEmpty()) {
                throw new ConfigException(List.of(path + ": no *.yml or *.yaml files"));
            }
            List<Map.Entry<String, String>> texts = new ArrayList<>();
            for (Path f : files) {
                List<String> readProblems = new ArrayList<>();
                String text = read(f, readProblems);
                if (!readProblems.isEmpty()) {
                    problems.addAll(readProblems);
                    warnings.add(f.getFileName() + ": skipped: " + readProblems.get(0));
                    continue;
                }
                texts.add(Map.entry(f.getFileName().toString(), text));
            }
            mergeRanked(texts, merged, problems, warnings);
            if (merged.isEmpty() && !problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            if (merged.isEmpty()) {
                throw new ConfigException(List.of(path + ": no collectors in " + files.size() + " YAML files"));
            }
        } else {
            merged.putAll(ConfigParser.parse(path.getFileName().toString(), read(path, problems), problems, warnings));
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
        return new CollectorSet(merged, path.toString(), warnings);
    }

    /**
     * pg_exporter's directory merge: files in order, a file with any problem skipped whole (a
     * warning; its problems kept for the error when nothing loads), a later branch replacing an
     * earlier one, priority 0 replaced by {@code 100 + rank} of the file among the loaded ones.
     */
    private static void mergeRanked(List<Map.Entry<String, String>> files, Map<String, Collector> merged,
                                    List<String> problems, List<String> warnings) {
        int rank = 0;
        for (Map.Entry<String, String> f : files) {
            List<String> fileProblems = new ArrayList<>();
            Map<String, Collector> parsed = ConfigParser.parse(f.getKey(), f.getValue(), fileProblems, warnings);
            if (!fileProblems.isEmpty()) {
                problems.addAll(fileProblems);
                warnings.add(f.getKey() + ": skipped, " + fileProblems.size() + " problem"
                        + (fileProblems.size() == 1 ? "" : "s") + ": " + String.join("; ", fileProblems));
                continue;
            }
            rank++;
            for (Collector c : parsed.values()) {
                merged.put(c.branch(), c.priority() == 0 ? c.withPriority(100 + rank) : c);
            }
        }
    }

    /**
     * @param sourceName name used in error lines (e.g. a file name)
     * @param yaml       one YAML document
     * @return its collectors
     * @throws ConfigException listing every problem
     */
    public static CollectorSet parse(String sourceName, String yaml) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Collector> m = ConfigParser.parse(sourceName, yaml, problems, warnings);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new CollectorSet(m, sourceName, warnings);
    }

    private static String read(Path f, List<String> problems) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(f.getFileName() + ": cannot read: " + e.getMessage());
            return "";
        }
    }

    /** @return every collector, in merge order */
    public List<Collector> collectors() {
        return List.copyOf(byBranch.values());
    }

    /**
     * @param branch a branch key
     * @return the collector, if present
     */
    public Optional<Collector> get(String branch) {
        return Optional.ofNullable(byBranch.get(branch));
    }

    /** @return where the set came from (a path or "classpath:...") */
    public String origin() {
        return origin;
    }

    /**
     * Every metric name an exporter with this set can serve for a server of the given version,
     * whatever the role, tags or extensions: the metrics of every non-skipped collector whose
     * version bounds include the version (histograms as their {@code _bucket}/{@code _sum}/{@code _count}
     * gauge families), plus the built-in {@code pg_up}, {@code pg_version}, {@code pg_in_recovery},
     * {@code pg_exporter_*} and their {@code pgbouncer_} twins. PgBouncer collectors are
     * bounded by PgBouncer's own version number (1.18.0 = 11800), so with a PostgreSQL version number
     * only the newest PgBouncer variant (the one without a {@code max_version}) contributes its names.
     * A dashboard or alert test can check every metric name of its PromQL against this set.
     *
     * @param serverVersionNum e.g. 150000 for PostgreSQL 15
     * @return the names, sorted
     */
    public SortedSet<String> metricNames(int serverVersionNum) {
        SortedSet<String> out = new TreeSet<>(SelfMetrics.BUILTIN_NAMES);
        for (Collector c : byBranch.values()) {
            if (c.skip() || !c.supportsVersion(serverVersionNum)) {
                continue;
            }
            for (Column col : c.columns()) {
                if (col.usage().isMetric()) {
                    String n = col.metricName(c.name());
                    if (col.usage() != ColumnUsage.HISTOGRAM) {
                        out.add(n); // a histogram is only its three gauge families, as pg_exporter writes it
                    } else {
                        out.add(n + "_bucket");
                        out.add(n + "_sum");
                        out.add(n + "_count");
                    }
                }
            }
        }
        return Collections.unmodifiableSortedSet(out);
    }

    @Override
    public String toString() {
        return "CollectorSet[" + origin + ", " + byBranch.size() + " collectors]";
    }

    private static final class Defaults {
        static final CollectorSet SET = loadDefaults();

        private static CollectorSet loadDefaults() {
            List<String> problems = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            List<Map.Entry<String, String>> texts = new ArrayList<>();
            for (String file : defaultFiles()) {
                try (InputStream in = CollectorSet.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + file)) {
                    if (in == null) {
                        problems.add(file + ": listed in index.txt but missing");
                        continue;
                    }
                    texts.add(Map.entry(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Map<String, Collector> merged = new LinkedHashMap<>();
            mergeRanked(texts, merged, problems, warnings);
            // what we ship must be clean: a skipped file or an ignored field is a bug here
            if (!problems.isEmpty() || !warnings.isEmpty()) {
                List<String> all = new ArrayList<>(problems);
                all.addAll(warnings);
                throw new ConfigException(all);
            }
            return new CollectorSet(merged, "classpath:" + RESOURCE_DIR, warnings);
        }
    }
}
