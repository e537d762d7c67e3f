package io.pigsty.monitor.internal;

import java.sql.SQLException;

/**
 * One connection to a target database: pgjdbc for PostgreSQL, a minimal simple-query client for
 * PgBouncer's admin console (pgjdbc 42.7.5+ sends {@code SET extra_float_digits} after login,
 * which PgBouncer before 1.25 rejects on the console).
 */
interface Session extends AutoCloseable {

    /** A forward-only result. */
    interface Rows {
        /** @return column labels in order */
        java.util.List<String> columns();

        /** @return the column types in order ({@code bool}, {@code int8}, ...); empty when the protocol does not say */
        default java.util.List<String> types() {
            return java.util.List.of();
        }

        /**
         * @return true when positioned on a row
         * @throws SQLException on a protocol failure
         */
        boolean next() throws SQLException;

        /**
         * @param index 0-based column
         * @return the value (text for PgBouncer) or null
         * @throws SQLException on failure
         */
        Object get(int index) throws SQLException;
    }

    /** Receives a result. */
    interface RowsHandler<T> {
        /**
         * @param rows the rows
         * @return anything
         * @throws SQLException on failure
         */
        T handle(Rows rows) throws SQLException;
    }

    /**
     * @param sql       the statement
     * @param timeoutMs statement timeout in ms (0 = none; ignored where unsupported), negative = keep
     * @param handler   consumes the rows
     * @param <T>       result type
     * @return what the handler returned
     * @throws SQLException on any failure
     */
    <T> T query(String sql, long timeoutMs, RowsHandler<T> handler) throws SQLException;

    /** @return false when the connection is known to be unusable */
    boolean isValid();

    @Override
    void close();
}
