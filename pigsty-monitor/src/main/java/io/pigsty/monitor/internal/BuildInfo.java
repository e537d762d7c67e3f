package io.pigsty.monitor.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code <namespace>_exporter_build_info} and {@code /version} report. The label names are
 * pg_exporter's (its dashboards select on them); the values describe this runtime: our version,
 * the Java runtime in {@code goversion}, Go's spelling of OS and architecture.
 */
public final class BuildInfo {
    /** This exporter's version (the pigsty-java release). */
    public static final String VERSION = "v0.1.0";
    /** Source revision, when known. */
    public static final String REVISION = "HEAD";
    /** Source branch. */
    public static final String BRANCH = "main";
    /** Build date. */
    public static final String BUILD_DATE = "unknown";

    private BuildInfo() {
    }

    /** @return the runtime, in the {@code goversion} label: e.g. {@code java17.0.15} */
    public static String runtime() {
        return "java" + Runtime.version();
    }

    /** @return the OS in Go's spelling ({@code linux}) */
    public static String os() {
        return System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT).replace(" ", "");
    }

    /** @return the architecture in Go's spelling ({@code amd64}, {@code arm64}) */
    public static String arch() {
        String a = System.getProperty("os.arch", "unknown");
        return switch (a) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> a;
        };
    }

    /**
     * @param namespace   metric prefix
     * @param constLabels the exporter's constant labels (added, as pg_exporter does)
     * @return the build-info gauge (value 1), labels sorted by name as client_golang writes them
     */
    public static Emit sample(String namespace, List<Map.Entry<String, String>> constLabels) {
        List<Map.Entry<String, String>> labels = new ArrayList<>(List.of(Map.entry("branch", BRANCH),
                Map.entry("builddate", BUILD_DATE), Map.entry("goarch", arch()), Map.entry("goos", os()),
                Map.entry("goversion", runtime()), Map.entry("revision", REVISION), Map.entry("version", VERSION)));
        for (Map.Entry<String, String> c : constLabels) {
            labels.removeIf(l -> l.getKey().equals(c.getKey()));
            labels.add(c);
        }
        labels.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        return new Emit.Sample(namespace + "_exporter_build_info", MetricWriter.Type.GAUGE,
                "constant 1, labeled with the version, revision, branch, runtime, build date, OS and architecture of the exporter",
                List.copyOf(labels), 1);
    }

    /** @return the body of {@code /version}, in pg_exporter's layout */
    public static String text() {
        return "pg_exporter version " + VERSION + " (pigsty-java)\nrevision: " + REVISION + "\nbranch: " + BRANCH
                + "\ngo version: " + runtime() + "\nbuild date: " + BUILD_DATE + "\ngoos: " + os() + "\ngoarch: " + arch();
    }
}
