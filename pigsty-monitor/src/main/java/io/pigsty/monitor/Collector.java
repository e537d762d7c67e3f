package io.pigsty.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One collector (a "branch" of pg_exporter's config): a query and how its columns become metrics.
 *
 * @param branch          the unique top-level key
 * @param name            the metric namespace (prefix), defaults to the branch
 * @param desc            description; empty when none
 * @param query           the SQL
 * @param ttlSeconds      result cache time, 0 = no cache
 * @param timeoutSeconds  per-query timeout in seconds; 0 disables the timeout (config negative)
 * @param priority        execution order, lower first
 * @param minVersion      inclusive lower bound of {@code server_version_num}, 0 = none
 * @param maxVersion      exclusive upper bound of {@code server_version_num}, 0 = none
 * @param fatal           a failure fails the whole scrape ({@code pg_up 0})
 * @param skip            never installed
 * @param tags            planning tags
 * @param predicates      queries that must all return true for the collector to run
 * @param columns         the result columns in order
 * @param source          the file the collector was read from (for errors and {@code /explain})
 */
public record Collector(String branch, String name, String desc, String query, double ttlSeconds,
                        double timeoutSeconds, int priority, int minVersion, int maxVersion, boolean fatal,
                        boolean skip, List<String> tags, List<PredicateQuery> predicates, List<Column> columns,
                        String source) {

    /** Validates presence and copies the lists. */
    public Collector {
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(desc, "desc");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(source, "source");
        tags = List.copyOf(tags);
        predicates = List.copyOf(predicates);
        columns = List.copyOf(columns);
    }

    /**
     * @param newPriority the execution order to use
     * @return this collector with another priority (a directory load gives each file's collectors its rank)
     */
    public Collector withPriority(int newPriority) {
        return new Collector(branch, name, desc, query, ttlSeconds, timeoutSeconds, newPriority, minVersion, maxVersion, fatal,
                skip, tags, predicates, columns, source);
    }

    /** @return true when the collector runs once per server rather than in every discovered database */
    public boolean isClusterLevel() {
        return tags.contains("cluster");
    }

    /**
     * @param serverVersionNum {@code server_version_num}, e.g. 150004
     * @return true when the version lies in {@code [minVersion, maxVersion)}
     */
    public boolean supportsVersion(int serverVersionNum) {
        return (minVersion == 0 || serverVersionNum >= minVersion) && (maxVersion == 0 || serverVersionNum < maxVersion);
    }

    /** @return the metric names this collector exports, in column order (histograms by their family name) */
    public List<String> metricNames() {
        List<String> out = new ArrayList<>();
        for (Column c : columns) {
            if (c.usage().isMetric()) {
                out.add(c.metricName(name));
            }
        }
        return List.copyOf(out);
    }
}
