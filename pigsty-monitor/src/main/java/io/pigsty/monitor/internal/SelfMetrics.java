package io.pigsty.monitor.internal;

import java.util.Set;

/** Names of the metrics the runtime itself produces (pg_exporter's names, so its dashboards work). */
public final class SelfMetrics {
    private SelfMetrics() {
    }

    /** Suffixes after {@code <namespace>_}: the same for {@code pg} and {@code pgbouncer}, as pg_exporter names them. */
    private static final java.util.List<String> SUFFIXES = java.util.List.of("up", "version", "in_recovery",
            "exporter_build_info", "exporter_up", "exporter_uptime", "exporter_scrape_total_count",
            "exporter_scrape_error_count", "exporter_scrape_duration", "exporter_last_scrape_time",
            "exporter_server_scrape_duration", "exporter_server_scrape_total_seconds",
            "exporter_server_scrape_total_count", "exporter_server_scrape_error_count",
            "exporter_query_cache_ttl", "exporter_query_scrape_total_count",
            "exporter_query_scrape_error_count", "exporter_query_scrape_predicate_skip_count",
            "exporter_query_scrape_duration", "exporter_query_scrape_metric_count",
            "exporter_query_scrape_hit_count");

    /** Built-in and self-metric names, independent of the collector config. */
    public static final Set<String> BUILTIN_NAMES = names();

    private static Set<String> names() {
        Set<String> out = new java.util.TreeSet<>();
        for (String ns : java.util.List.of("pg", "pgbouncer")) {
            for (String s : SUFFIXES) {
                out.add(ns + "_" + s);
            }
        }
        return Set.copyOf(out);
    }
}
