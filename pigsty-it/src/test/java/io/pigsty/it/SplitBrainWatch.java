package io.pigsty.it;

import io.pigsty.sandbox.SandboxNode;
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
    private final String scheme;
    private final io.pigsty.ha.ops.PatroniClient http;
    private final Thread thread;
    volatile long rounds;

    /**
     * @param nodes  the members to watch
     * @param scheme {@code https://} when they serve the REST API over TLS (verified with the sandbox's CA)
     */
    SplitBrainWatch(List<SandboxNode> nodes, String scheme) {
        this.nodes = List.copyOf(nodes);
        this.scheme = scheme;
        this.http = io.pigsty.ha.ops.PatroniClient.builder().caCertificates(SharedSandbox.pki().caCertificatePem())
                .timeout(Duration.ofMillis(800)).connectTimeout(Duration.ofMillis(400)).build();
        thread = new Thread(this::run, "split-brain-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** @param node a member now reachable only from inside @param yes whether it is isolated */
    void isolated(SandboxNode node, boolean yes) {
        isolated.put(node.ip(), yes);
    }

    boolean saysPrimary(SandboxNode n) {
        String base = scheme + n.ip() + ":8008";
        if (isolated.getOrDefault(n.ip(), false)) {
            // the host's curl in the node's network: it reads the CA from the host's copy
            var r = n.runInNetwork("curl -s -o /dev/null -w '%{http_code}' -m 1 --cacert "
                    + io.pigsty.sandbox.Sandbox.PKI_DIR.resolve("ca.crt") + " -X OPTIONS " + base + "/primary", Duration.ofSeconds(5));
            return r.stdout().strip().equals("200");
        }
        // OPTIONS, as HAProxy asks
        return http.probe(base, "/primary").map(c -> c == 200).orElse(false);
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
