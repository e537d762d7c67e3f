package io.pigsty.monitor.internal;

import java.util.Set;

/** Names of the metrics the runtime itself produces (pg_exporter's names, so its dashboards work). */
public final class SelfMetrics {
    private SelfMetrics() {
    }

    /** Built-in and self-metric names, independent of the collector config. */
    public static final Set<String> BUILTIN_NAMES = Set.of(
            "pg_up", "pg_version", "pg_in_recovery", "pgbouncer_up", "pgbouncer_version",
            "pg_exporter_up", "pg_exporter_uptime", "pg_exporter_scrape_total_count", "pg_exporter_scrape_error_count",
            "pg_exporter_scrape_duration", "pg_exporter_last_scrape_time",
            "pg_exporter_server_scrape_duration", "pg_exporter_server_scrape_total_seconds",
            "pg_exporter_server_scrape_total_count", "pg_exporter_server_scrape_error_count",
            "pg_exporter_query_cache_ttl", "pg_exporter_query_scrape_total_count",
            "pg_exporter_query_scrape_error_count", "pg_exporter_query_scrape_predicate_skip_count",
            "pg_exporter_query_scrape_duration", "pg_exporter_query_scrape_metric_count",
            "pg_exporter_query_scrape_hit_count");
}
