package io.pigsty.monitor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One result column of a collector query and how it is exported.
 *
 * @param column      the column name as the query returns it
 * @param usage       how it is exported
 * @param rename      the metric (or label) name to use instead of the column name
 * @param description help text; empty when none was given
 * @param defaultValue the value exported when the column is NULL
 * @param scale       a multiplier applied to the value (1 when none was given)
 * @param buckets     finite, strictly increasing upper bounds of a HISTOGRAM column ({@code +Inf} is implicit)
 */
public record Column(String column, ColumnUsage usage, Optional<String> rename, String description,
                     OptionalDouble defaultValue, double scale, List<Double> buckets) {

    /** Validates presence and copies the bucket list. */
    public Column {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(rename, "rename");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(defaultValue, "defaultValue");
        buckets = List.copyOf(buckets);
    }

    /** @return the exported name: {@code rename} when given, else the column name */
    public String exportedName() {
        return rename.orElse(column);
    }

    /**
     * @param namespace the collector's {@code name}
     * @return the full metric name {@code <namespace>_<rename or column>}
     */
    public String metricName(String namespace) {
        return namespace + "_" + exportedName();
    }
}
