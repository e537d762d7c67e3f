package io.pigsty.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** {@code pg_conf}: the tuning template PostgreSQL parameters are derived from. */
public enum PgTuning {
    /** Online transaction processing, the default (4-128 cores). */
    OLTP,
    /** Analytics: bigger memory per query, longer timeouts. */
    OLAP,
    /** Critical: synchronous commit strict, full logging. */
    CRIT,
    /** Small machines (1-3 cores). */
    TINY;

    /** @return the inventory value, e.g. {@code oltp.yml} */
    public String templateName() {
        return name().toLowerCase(Locale.ROOT) + ".yml";
    }

    /**
     * @param value {@code oltp.yml} (or {@code oltp})
     * @return the tuning, empty when unknown
     */
    public static Optional<PgTuning> parse(String value) {
        String v = value.endsWith(".yml") ? value.substring(0, value.length() - 4) : value;
        return Arrays.stream(values()).filter(t -> t.name().toLowerCase(Locale.ROOT).equals(v)).findFirst();
    }
}
