package io.pigsty.it;

import io.pigsty.sandbox.SandboxNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks every member, several times a second, the question HAProxy asks ({@code /primary} on
 * Patroni's port), and records every round in which more than one member said yes. A member cut
 * off the bridge is asked from inside its own network namespace, the way its own HAProxy asks it.
 */
final class SplitBrainWatch implements AutoCloseable {
    private final List<SandboxNode> nodes;
    private final Map<String, Boolean> isolated = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    final List<String> doublePrimaries = new CopyOnWriteArrayList<>();
    /** nanoTime at which each member last said yes to /primary */
    final Map<String, Long> lastPrimary = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(400)).build();
    private final Thread thread;
    volatile long rounds;

    SplitBrainWatch(List<SandboxNode> nodes) {
        this.nodes = List.copyOf(nodes);
        thread = new Thread(this::run, "split-brain-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** @param node a member now reachable only from inside @param yes whether it is isolated */
    void isolated(SandboxNode node, boolean yes) {
        isolated.put(node.ip(), yes);
    }

    boolean saysPrimary(SandboxNode n) {
        String url = "http://" + n.ip() + ":8008/primary";
        if (isolated.getOrDefault(n.ip(), false)) {
            var r = n.runInNetwork("curl -s -o /dev/null -w '%{http_code}' -m 1 " + url, Duration.ofSeconds(5));
            return r.stdout().strip().equals("200");
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(800)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void run() {
        while (running.get()) {
            List<String> yes = new java.util.ArrayList<>();
            for (SandboxNode n : nodes) {
                if (saysPrimary(n)) {
                    yes.add(n.name());
                    lastPrimary.put(n.ip(), System.nanoTime());
                }
            }
            rounds++;
            if (yes.size() > 1) {
                doublePrimaries.add(System.currentTimeMillis() + ": " + yes);
            }
            WriteProbe.pause(150);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
