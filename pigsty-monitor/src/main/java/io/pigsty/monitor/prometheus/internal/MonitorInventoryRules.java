package io.pigsty.monitor.prometheus.internal;

import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.Resolved;
import io.pigsty.model.spi.InventoryRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring module's part of {@code Inventory.validate()}: the Prometheus keys the model
 * stores as plain strings ({@code prometheus_scrape_interval}, {@code prometheus_scrape_timeout},
 * {@code prometheus_sd_interval}, {@code prometheus_sd_dir}) must be what Prometheus accepts, so a
 * bad value is reported at its path by {@code pigsty validate} instead of failing the plan.
 * {@code PrometheusArtifacts} applies the same checks (it may be given an inventory nobody validated).
 */
public final class MonitorInventoryRules implements InventoryRules {
    /** Prometheus' duration syntax ({@code 1m30s}, {@code 500ms}): units in decreasing order, each at most once. */
    private static final Pattern DURATION = Pattern.compile(
            "^(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?$");

    /** Used by {@link java.util.ServiceLoader}. */
    public MonitorInventoryRules() {
    }

    @Override
    public String name() {
        return "monitoring (Prometheus options)";
    }

    @Override
    public void check(Inventory inventory, Reporter reporter) {
        globalProblems(inventory.resolveGlobal(), reporter::error);
    }

    /**
     * Checks the global Prometheus keys of an inventory.
     *
     * @param g     the inventory's global values
     * @param error receives (Pigsty path, reason) for every problem
     */
    public static void globalProblems(Resolved g, BiConsumer<String, String> error) {
        String interval = g.get(Params.PROMETHEUS_SCRAPE_INTERVAL);
        String timeout = g.get(Params.PROMETHEUS_SCRAPE_TIMEOUT);
        Optional<String> bad = durationProblem(interval);
        bad.ifPresent(r -> error.accept(path(Params.PROMETHEUS_SCRAPE_INTERVAL.name()), r));
        Optional<String> badTimeout = durationProblem(timeout);
        badTimeout.ifPresent(r -> error.accept(path(Params.PROMETHEUS_SCRAPE_TIMEOUT.name()), r));
        if (bad.isEmpty() && badTimeout.isEmpty()) {
            timeoutProblem(timeout, interval).ifPresent(r -> error.accept(path(Params.PROMETHEUS_SCRAPE_TIMEOUT.name()), r));
        }
        g.raw("prometheus_sd_interval").map(String::valueOf).flatMap(MonitorInventoryRules::durationProblem)
                .ifPresent(r -> error.accept(path("prometheus_sd_interval"), r));
        dirProblem(g.get(Params.PROMETHEUS_SD_DIR)).ifPresent(r -> error.accept(path(Params.PROMETHEUS_SD_DIR.name()), r));
    }

    /**
     * @param key a global key
     * @return its path in Pigsty's inventory: global keys live in {@code all.vars}
     */
    public static String path(String key) {
        return "all.vars." + key;
    }

    /**
     * @param v a value
     * @return what is wrong with it as a Prometheus duration, if anything
     */
    public static Optional<String> durationProblem(String v) {
        if (v == null || v.isEmpty() || !DURATION.matcher(v).matches()) {
            return Optional.of("must be a Prometheus duration such as 10s or 1m30s, got '" + v + "'");
        }
        return Optional.empty();
    }

    /**
     * @param timeout  a valid duration
     * @param interval a valid duration
     * @return why the timeout cannot be used with the interval (promtool rejects a timeout longer than it)
     */
    public static Optional<String> timeoutProblem(String timeout, String interval) {
        return millis(timeout) > millis(interval)
                ? Optional.of("scrape timeout " + timeout + " is longer than the scrape interval " + interval)
                : Optional.empty();
    }

    /**
     * @param v a directory path
     * @return what is wrong with it as a directory Prometheus' file patterns are built on, if anything
     */
    public static Optional<String> dirProblem(String v) {
        String d = v != null && v.endsWith("/") && v.length() > 1 ? v.substring(0, v.length() - 1) : v;
        if (d == null || d.isBlank() || d.contains("*")) {
            return Optional.of("must be a directory path without globs, got '" + v + "'");
        }
        return Optional.empty();
    }

    /**
     * @param d a duration {@link #durationProblem} accepts
     * @return its length in milliseconds
     */
    public static long millis(String d) {
        Matcher m = DURATION.matcher(d);
        if (!m.matches()) {
            throw new AssertionError("not a checked duration: " + d);
        }
        long[] unit = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1};
        long total = 0;
        for (int i = 0; i < unit.length; i++) {
            if (m.group(i + 1) != null) {
                total += Long.parseLong(m.group(i + 1)) * unit[i];
            }
        }
        return total;
    }

    /** Problems of one artifact build: inventory values by path, builder options by name. */
    public static final class Problems {
        private final List<io.pigsty.model.Violation> inventory = new ArrayList<>();
        private final List<io.pigsty.model.InvalidValueException> options = new ArrayList<>();

        /**
         * @param fromInventory whether the value came from the inventory (else from a builder option)
         * @param where         the inventory key, or the builder option's name
         * @param reason        what is wrong
         */
        public void add(boolean fromInventory, String where, String reason) {
            if (fromInventory) {
                inventory.add(new io.pigsty.model.Violation(path(where), reason, io.pigsty.model.Severity.ERROR));
            } else {
                // the reason names the value already
                options.add(new io.pigsty.model.InvalidValueException(where, null, reason));
            }
        }

        /**
         * Throws what was found: the inventory's problems all at once as a {@code ValidationException}, else
         * the first builder option's {@code InvalidValueException} with the others suppressed.
         */
        public void throwIfAny() {
            if (!inventory.isEmpty()) {
                io.pigsty.model.ValidationException e = new io.pigsty.model.ValidationException(inventory);
                options.forEach(e::addSuppressed);
                throw e;
            }
            if (!options.isEmpty()) {
                io.pigsty.model.InvalidValueException e = options.get(0);
                options.subList(1, options.size()).forEach(e::addSuppressed);
                throw e;
            }
        }
    }
}
