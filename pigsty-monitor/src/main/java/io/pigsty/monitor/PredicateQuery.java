package io.pigsty.monitor;

import java.util.Objects;

/**
 * A query that must return exactly one boolean {@code true} for its collector to run.
 *
 * @param name  a name for logs and errors
 * @param query the SQL
 * @param ttlSeconds how long a result may be reused (0 = never)
 */
public record PredicateQuery(String name, String query, double ttlSeconds) {
    /** Validates presence. */
    public PredicateQuery {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(query, "query");
    }
}
