package io.pigsty.monitor;

/** How a result column of a collector query is exported, as in pg_exporter's {@code usage} field. */
public enum ColumnUsage {
    /** The column is read but not exported. */
    DISCARD,
    /** The column becomes a label of every metric of the row. */
    LABEL,
    /** The column is a gauge. */
    GAUGE,
    /** The column is a monotonically increasing counter. */
    COUNTER,
    /** Each row is one observation of a snapshot histogram ({@code _bucket}, {@code _sum}, {@code _count}). */
    HISTOGRAM;

    /** @return true when the column produces a metric (not a label, not discarded) */
    public boolean isMetric() {
        return this == GAUGE || this == COUNTER || this == HISTOGRAM;
    }
}
