package io.pigsty.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client as an application would be one: a writer that commits numbered rows through the
 * primary service (5433 on every member, in order) and records each commit the server
 * acknowledged, and a reader on the replica service (5434). Both reconnect after every error.
 */
final class WriteProbe implements AutoCloseable {
    static final String USER = "dbuser_dba";
    static final String PASSWORD = "DBUser.DBA";
    static final String DB = "test";

    /** One acknowledged commit: its id and when the acknowledgement arrived. */
    record Ack(long id, long nanos) {
    }

    private final List<String> hosts;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong next;
    private final long firstId;
    final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> reads = new ConcurrentLinkedQueue<>();
    final AtomicLong writeErrors = new AtomicLong();
    final AtomicLong readErrors = new AtomicLong();
    private final Thread writer;
    private final Thread reader;

    WriteProbe(List<String> hosts, long firstId) {
        this.hosts = List.copyOf(hosts);
        this.firstId = firstId;
        this.next = new AtomicLong(firstId);
        writer = new Thread(this::write, "ha-writer");
        reader = new Thread(this::read, "ha-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    static String url(List<String> hosts, int port, String db) {
        StringBuilder u = new StringBuilder("jdbc:postgresql://");
        for (int i = 0; i < hosts.size(); i++) {
            u.append(i > 0 ? "," : "").append(hosts.get(i)).append(':').append(port);
        }
        return u.append('/').append(db).toString();
    }

    static Connection connect(List<String> hosts, int port, String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("connectTimeout", "1");
        p.setProperty("loginTimeout", "3");
        p.setProperty("socketTimeout", "10");
        p.setProperty("sslmode", "disable");
        p.setProperty("preferQueryMode", "simple"); // PgBouncer in transaction mode
        p.setProperty("targetServerType", "any");
        p.setProperty("hostRecheckSeconds", "2");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url(hosts, port, db), p);
    }

    static void createTable(List<String> hosts) throws SQLException {
        try (Connection c = connect(hosts, 5433, DB); Statement s = c.createStatement()) {
            s.execute("create table if not exists ha_probe(id bigint primary key, at timestamptz default now())");
        }
    }

    private void write() {
        Connection c = null;
        while (running.get()) {
            try {
                if (c == null) {
                    c = connect(hosts, 5433, DB);
                }
                long id = next.getAndIncrement();
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("insert into ha_probe(id) values (" + id + ")");
                }
                acks.add(new Ack(id, System.nanoTime()));
            } catch (SQLException e) {
                writeErrors.incrementAndGet();
                close(c);
                c = null;
                pause(50);
            }
        }
        close(c);
    }

    private void read() {
        Connection c = null;
        while (running.get()) {
            try {
                if (c == null) {
                    c = connect(hosts, 5434, DB);
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from pg_class")) {
                    rs.next();
                }
                reads.add(System.nanoTime());
                pause(20);
            } catch (SQLException e) {
                readErrors.incrementAndGet();
                close(c);
                c = null;
                pause(50);
            }
        }
        close(c);
    }

    /** @return acknowledged commits so far */
    List<Ack> acked() {
        return new ArrayList<>(acks);
    }

    long lastAckNanos() {
        long last = 0;
        for (Ack a : acks) {
            last = Math.max(last, a.nanos());
        }
        return last;
    }

    /**
     * @param from start of the window (nanoTime)
     * @param to   end of the window
     * @return the longest time without an acknowledged write that overlaps the window, in ms
     */
    long longestWriteGapMs(long from, long to) {
        return longestGap(acks.stream().map(Ack::nanos).toList(), from, to);
    }

    long longestReadGapMs(long from, long to) {
        return longestGap(new ArrayList<>(reads), from, to);
    }

    private static long longestGap(List<Long> times, long from, long to) {
        List<Long> t = new ArrayList<>(times);
        t.sort(null);
        long prev = -1;
        long max = 0;
        for (long x : t) {
            if (prev >= 0 && x >= from && prev <= to) {
                max = Math.max(max, x - prev);
            }
            prev = x;
        }
        return max / 1_000_000;
    }

    /** @return ids acknowledged but absent from the cluster now, read through the primary service */
    List<Long> lost() throws SQLException {
        Set<Long> present = new HashSet<>();
        long hi = next.get();
        try (Connection c = connect(hosts, 5433, DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id from ha_probe where id >= " + firstId + " and id < " + hi)) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        List<Long> lost = new ArrayList<>();
        for (Ack a : acks) {
            if (!present.contains(a.id())) {
                lost.add(a.id());
            }
        }
        return lost;
    }

    long nextId() {
        return next.get();
    }

    /** Stops both clients. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        writer.join(15_000);
        reader.join(15_000);
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is already broken; nothing to release
            }
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
