package io.pigsty.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A new client every {@code everyMs}: each opens a fresh connection to one service, asks
 * {@code select pg_is_in_recovery()} and closes. Attempts run concurrently, so one that hangs does
 * not hide the next; each is bounded by the driver's timeouts (5 s connect, 20 s socket). What it
 * records shows whether a service ever accepts a connection and then hangs it.
 */
public final class ConnectProbe implements AutoCloseable {
    /** One client: when it started (nanoTime), how long it took, and what it got. */
    public record Attempt(long startNanos, long millis, String outcome) {
        /** @return true when it reached a primary */
        public boolean primary() {
            return outcome.equals("f");
        }
    }

    private final String host;
    private final int port;
    private final String db;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final List<Attempt> attempts = new ArrayList<>();

    /**
     * Starts probing.
     *
     * @param host    address
     * @param port    service port
     * @param db      database
     * @param everyMs interval between two new clients
     */
    public ConnectProbe(String host, int port, String db, long everyMs) {
        this.host = host;
        this.port = port;
        this.db = db;
        ticker.scheduleAtFixedRate(() -> clients.submit(this::once), 0, everyMs, TimeUnit.MILLISECONDS);
    }

    private void once() {
        long t0 = System.nanoTime();
        String outcome;
        try (Connection c = SharedSandbox.connectDba(host, port, db)) {
            outcome = SharedSandbox.one(c, "select pg_is_in_recovery()");
        } catch (SQLException e) {
            outcome = "error: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        Attempt a = new Attempt(t0, (System.nanoTime() - t0) / 1_000_000, outcome);
        synchronized (attempts) {
            attempts.add(a);
        }
    }

    /** @return the attempts finished so far, by start time */
    public List<Attempt> attempts() {
        synchronized (attempts) {
            List<Attempt> out = new ArrayList<>(attempts);
            out.sort(Comparator.comparingLong(Attempt::startNanos));
            return out;
        }
    }

    /**
     * @param since nanoTime origin for the printed offsets
     * @return one line: attempts, primaries reached, errors, slowest, and the window in which
     *         clients did not reach a primary, relative to {@code since}
     */
    public String summary(long since) {
        List<Attempt> all = attempts();
        long bad = all.stream().filter(a -> !a.primary()).count();
        long first = all.stream().filter(a -> !a.primary()).mapToLong(Attempt::startNanos).min().orElse(since);
        long last = all.stream().filter(a -> !a.primary()).mapToLong(a -> a.startNanos() + a.millis() * 1_000_000).max()
                .orElse(since);
        Attempt slowest = all.stream().max(Comparator.comparingLong(Attempt::millis)).orElse(new Attempt(since, 0, "-"));
        return String.format("%s:%d: %d clients, %d reached the primary, %d did not%s; slowest %d ms (%s)", host, port,
                all.size(), all.size() - bad, bad,
                bad == 0 ? "" : String.format(" (window %+d ms .. %+d ms after the start)", (first - since) / 1_000_000,
                        (last - since) / 1_000_000), slowest.millis(), slowest.outcome());
    }

    /** Stops starting clients and waits (up to 30 s) for those running. */
    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        clients.shutdown();
        clients.awaitTermination(30, TimeUnit.SECONDS);
    }
}
