package io.pigsty.monitor.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A pgjdbc connection; statement timeouts via {@code SET statement_timeout} (sub-second, unlike setQueryTimeout). */
final class JdbcSession implements Session {
    private final Connection conn;
    private long timeoutSetMs = Long.MIN_VALUE;

    JdbcSession(PgUrl url, int connectTimeoutSeconds) throws SQLException {
        this.conn = DriverManager.getConnection(url.jdbcUrl(), url.properties(connectTimeoutSeconds));
        conn.setAutoCommit(true);
    }

    @Override
    public <T> T query(String sql, long timeoutMs, RowsHandler<T> handler) throws SQLException {
        boolean set = timeoutMs >= 0 && timeoutMs != timeoutSetMs;
        // a changed timeout travels with the query: pgjdbc sends both statements before one Sync, so it
        // costs no extra round trip, and the server arms the timer for the query with the new value
        long before = timeoutSetMs;
        try (Statement st = conn.createStatement()) {
            timeoutSetMs = Long.MIN_VALUE; // unknown until this succeeds (a failure rolls the SET back)
            boolean isResultSet = st.execute(set ? "SET statement_timeout = " + timeoutMs + ";\n" + sql : sql);
            while (!isResultSet) {
                if (st.getUpdateCount() == -1) {
                    throw new SQLException("the query returned no result set");
                }
                isResultSet = st.getMoreResults();
            }
            timeoutSetMs = set ? timeoutMs : before;
            return read(st.getResultSet(), handler);
        }
    }

    private static <T> T read(ResultSet rs, RowsHandler<T> handler) throws SQLException {
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> cols = new ArrayList<>(md.getColumnCount());
            List<String> typeNames = new ArrayList<>(md.getColumnCount());
            for (int i = 1; i <= md.getColumnCount(); i++) {
                cols.add(md.getColumnLabel(i));
                typeNames.add(md.getColumnTypeName(i));
            }
            List<String> columns = List.copyOf(cols);
            List<String> types = List.copyOf(typeNames);
            return handler.handle(new Rows() {
                @Override
                public List<String> columns() {
                    return columns;
                }

                @Override
                public List<String> types() {
                    return types;
                }

                @Override
                public boolean next() throws SQLException {
                    return rs.next();
                }

                @Override
                public Object get(int index) throws SQLException {
                    Object o = rs.getObject(index + 1);
                    if (o instanceof Array a) {
                        Object[] arr = (Object[]) a.getArray();
                        List<String> out = new ArrayList<>(arr.length);
                        for (Object x : arr) {
                            if (x != null) {
                                out.add(x.toString());
                            }
                        }
                        return List.copyOf(out);
                    }
                    return o;
                }
            });
        }
    }

    @Override
    public boolean isValid() {
        try {
            return !conn.isClosed() && conn.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // discarding a broken connection
        }
    }
}
