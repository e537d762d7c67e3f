package io.pigsty.examples.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C: the JVM runs shutdown hooks on SIGINT; ours stops the running command (interrupts its
 * thread, closes the executor so remote commands end) and waits, bounded, until the command has
 * printed what ran. Nothing here exits the JVM: {@code System.exit} during shutdown would block.
 */
final class Interrupts {
    /** How long Ctrl-C waits for the command to print its summary. */
    static final long GRACE_MS = 15_000;
    private final List<Runnable> onInterrupt = new CopyOnWriteArrayList<>();
    private final List<Runnable> first = new CopyOnWriteArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean interrupted;
    private volatile boolean shuttingDown;
    private volatile Thread worker;

    void installHook() {
        worker = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(this::hook, "pigsty-ctrl-c"));
    }

    private void hook() {
        if (done.getCount() == 0) {
            return; // a normal exit
        }
        shuttingDown = true;
        interrupt();
        try {
            done.await(GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the running command: ends remote commands, interrupts its thread, then closes executors. */
    void interrupt() {
        interrupted = true;
        first.forEach(r -> {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // best effort, as below
            }
        });
        // then the worker: the plan stops starting steps and interrupts its host threads, whose
        // running remote commands disconnect; then the executors close what is left
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
        onInterrupt.forEach(r -> {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // stopping is best effort; the summary says what ran
            }
        });
    }

    /** @param r run on Ctrl-C first, while the command still runs (end remote commands) */
    void beforeInterrupt(Runnable r) {
        first.add(r);
    }

    /** @param r run on Ctrl-C after the worker thread is interrupted */
    void onInterrupt(Runnable r) {
        onInterrupt.add(r);
    }

    /** @return true once Ctrl-C was pressed */
    boolean interrupted() {
        return interrupted;
    }

    /** @return true when the JVM is shutting down (then main must not call System.exit) */
    boolean shuttingDown() {
        return shuttingDown;
    }

    /** The command has printed its result. */
    void finished() {
        done.countDown();
    }
}
