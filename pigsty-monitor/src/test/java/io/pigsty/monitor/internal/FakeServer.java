package io.pigsty.monitor.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A scripted server for DbServer's unit tests: answers the precheck like PostgreSQL 15 and each
 * registered statement with a fixed table, an error or a table computed per call; can be
 * "restarted", after which every session opened before fails as PostgreSQL's do.
 */
final class FakeServer {
    /** A result: column labels, their types, rows. */
    record Table(List<String> columns, List<String> types, List<Object[]> rows) {
        static Table of(List<String> columns, List<String> types, Object[]... rows) {
            return new Table(columns, types, Arrays.asList(rows));
        }
    }

    final Map<String, Supplier<Table>> answers = new HashMap<>();
    final Map<String, Integer> calls = new HashMap<>();
    final List<Long> timeouts = new ArrayList<>();
    int version = 150004;
    boolean recovery;
    boolean down;
    int generation;
    int opened;

    FakeServer answer(String sql, Table t) {
        answers.put(sql, () -> t);
        return this;
    }

    FakeServer fail(String sql, String message, String state) {
        answers.put(sql, () -> {
            throw new IllegalStateException(state + "|" + message);
        });
        return this;
    }

    /** Kills every open session, as a restart of PostgreSQL does. */
    void restart() {
        generation++;
    }

    int calls(String sql) {
        return calls.getOrDefault(sql, 0);
    }

    DbServer.Opener opener() {
        return () -> {
            if (down) {
                throw new SQLException("Connection refused", "08001");
            }
            opened++;
            return new Session() {
                final int born = generation;
                boolean closed;

                @Override
                public <T> T query(String sql, long timeoutMs, RowsHandler<T> handler) throws SQLException {
                    if (closed || born != generation) {
                        closed = true;
                        throw new SQLException("FATAL: terminating connection due to administrator command", "57P01");
                    }
                    if (down) {
                        throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                    }
                    Table t;
                    if (sql.startsWith("SELECT current_setting('server_version_num')::int, pg_is_in_recovery(),")) {
                        t = Table.of(List.of("v", "r", "d", "u", "dbs", "ext", "nsp"), List.of(),
                                new Object[] {version, recovery, "postgres", "dbuser_monitor", List.of("postgres"), List.of(),
                                        List.of("public")});
                    } else {
                        Supplier<Table> s = answers.get(sql);
                        if (s == null) {
                            throw new SQLException("no answer scripted for: " + sql, "42P01");
                        }
                        calls.merge(sql, 1, Integer::sum);
                        timeouts.add(timeoutMs);
                        try {
                            t = s.get();
                        } catch (IllegalStateException e) {
                            String[] p = e.getMessage().split("\\|", 2);
                            throw new SQLException(p[1], p[0]);
                        }
                    }
                    Table table = t;
                    return handler.handle(new Rows() {
                        int at = -1;

                        @Override
                        public List<String> columns() {
                            return table.columns();
                        }

                        @Override
                        public List<String> types() {
                            return table.types();
                        }

                        @Override
                        public boolean next() {
                            return ++at < table.rows().size();
                        }

                        @Override
                        public Object get(int index) {
                            return table.rows().get(at)[index];
                        }
                    });
                }

                @Override
                public boolean isValid() {
                    return !closed && born == generation && !down;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        };
    }
}
