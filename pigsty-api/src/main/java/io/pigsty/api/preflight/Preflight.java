package io.pigsty.api.preflight;

import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.preflight.internal.Probe;
import io.pigsty.api.step.Step;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgService;
import io.pigsty.model.Resolved;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The read-only first pass of a plan: asks every host, in parallel and in one round trip each,
 * whether it offers what the plan needs (OS, systemd, privilege, packages at an accepted
 * version, interfaces and addresses, a free VIP, free ports, disk, memory, no foreign
 * PostgreSQL, a clock close to the others, node names that resolve to the hosts they name), and reports every problem of every host at once,
 * before anything changes.
 *
 * <pre>{@code
 * PreflightReport r = Preflight.of(inventory, playbook, plan.phases(), facts::of).run(executor);
 * if (!r.ok()) throw new PreflightException(r);
 * }</pre>
 */
public final class Preflight {
    /** Clock offset between the hosts of one plan beyond which etcd and Patroni leases misbehave. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(1);
    /** Free space wanted under {@code node_data}. */
    public static final long MIN_FREE_DISK_MB = 1024;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    private final Map<Host, HostExpectations> byHost;

    private Preflight(Map<Host, HostExpectations> byHost) {
        this.byHost = Collections.unmodifiableMap(new LinkedHashMap<>(byHost));
    }

    /**
     * A preflight over expectations the caller states (a vendor's own checks, or tests).
     *
     * @param byHost what each host must offer
     * @return the preflight
     */
    public static Preflight of(Map<Host, HostExpectations> byHost) {
        return new Preflight(byHost);
    }

    /** @return what each host must offer, in plan order */
    public Map<Host, HostExpectations> expectations() {
        return byHost;
    }

    /**
     * @param inv      the validated inventory
     * @param playbook the playbook planned
     * @param phases   the plan's phases (packages are read from its steps)
     * @param facts    the facts the plan was sized with, by host
     * @return the preflight of that plan
     */
    public static Preflight of(Inventory inv, Playbook playbook, List<Phase> phases, Function<Host, HostFacts> facts) {
        Map<String, Host> hosts = new LinkedHashMap<>();
        Map<String, List<String>> packages = new LinkedHashMap<>();
        for (Phase p : phases) {
            p.steps().forEach((h, steps) -> {
                hosts.putIfAbsent(h.address(), h);
                for (Step s : steps) {
                    packages.computeIfAbsent(h.address(), k -> new ArrayList<>()).addAll(aptPackages(s));
                }
            });
        }
        Map<String, Expect> ex = new LinkedHashMap<>();
        hosts.keySet().forEach(a -> ex.put(a, new Expect()));
        String pb = playbook.name();
        if (pb.equals("pgsql")) {
            playbook.cluster().flatMap(inv::cluster).ifPresent(c -> pgsql(inv, c, ex));
        }
        if (pb.equals("etcd")) {
            inv.etcd().ifPresent(g -> etcd(inv, g, ex));
        }
        Map<String, String> names = nodeNames(inv);
        Map<String, String> hostnames = new TreeMap<>();
        hosts.keySet().forEach(a -> Optional.ofNullable(names.get(a)).ifPresent(n -> hostnames.put(n, a)));
        Map<Host, HostExpectations> out = new LinkedHashMap<>();
        hosts.forEach((a, h) -> {
            Expect e = ex.get(a);
            e.addresses.add(0, a);
            List<String> pk = List.copyOf(new LinkedHashSet<>(packages.getOrDefault(a, List.of())));
            Map<String, String> min = new TreeMap<>();
            if (pk.contains("patroni") && !e.patroniAllowOld) {
                min.put("patroni", "3.0.3");
            }
            HostFacts f = facts.apply(h);
            out.put(h, new HostExpectations(pk, min, e.ports, List.copyOf(e.interfaces), List.copyOf(new LinkedHashSet<>(e.addresses)),
                    e.vip, e.dataDir, e.scope, e.diskPath, MIN_FREE_DISK_MB, f == null ? 0 : f.memoryMb(), hostnames));
        });
        return new Preflight(out);
    }

    /** The node names of the inventory last asked about (held weakly, compared by identity). */
    private static final java.util.concurrent.atomic.AtomicReference<NodeNames> NODE_NAMES =
            new java.util.concurrent.atomic.AtomicReference<>();

    private record NodeNames(java.lang.ref.WeakReference<Inventory> inventory, Map<String, String> names) {
    }

    // every plan of an inventory asks for the names of all its nodes: resolving every member per plan made
    // planning a thousand clusters quadratic; the inventory is immutable, so the names of the last one hold
    private static Map<String, String> nodeNames(Inventory inv) {
        NodeNames n = NODE_NAMES.get();
        if (n == null || n.inventory().get() != inv) {
            n = new NodeNames(new java.lang.ref.WeakReference<>(inv), Collections.unmodifiableMap(computeNodeNames(inv)));
            NODE_NAMES.set(n);
        }
        return n.names();
    }

    // the node name of each address: a member's nodename (its instance name unless set), else one set on a node
    // group's host; two names for one address or one name for two addresses are validation errors (HostnameRules)
    private static Map<String, String> computeNodeNames(Inventory inv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (PgCluster c : inv.clusters()) {
            for (PgInstance i : c.instances()) {
                out.putIfAbsent(i.ip(), inv.resolve(c, i).get(Params.NODENAME));
            }
        }
        List<NodeGroup> groups = inv.allNodeGroups();
        for (NodeGroup g : groups) {
            for (Node n : g.nodes()) {
                inv.resolveNode(g, n).find(Params.NODENAME).ifPresent(name -> out.putIfAbsent(n.ip(), name));
            }
        }
        return out;
    }

    private static final class Expect {
        final Map<Integer, Set<String>> ports = new TreeMap<>();
        final List<String> interfaces = new ArrayList<>();
        final List<String> addresses = new ArrayList<>();
        Optional<String> vip = Optional.empty();
        Optional<String> dataDir = Optional.empty();
        Optional<String> scope = Optional.empty();
        String diskPath = "/";
        boolean patroniAllowOld;

        void port(int port, String... processes) {
            ports.computeIfAbsent(port, k -> new LinkedHashSet<>()).addAll(List.of(processes));
        }
    }

    private static void pgsql(Inventory inv, PgCluster c, Map<String, Expect> ex) {
        for (PgInstance i : c.instances()) {
            Expect e = ex.get(i.ip());
            if (e == null) {
                continue;
            }
            Resolved r = inv.resolve(c, i);
            e.port(r.get(Params.PG_PORT), "postgres");
            e.port(r.get(Params.PGBOUNCER_PORT), "pgbouncer");
            e.port(r.get(Params.PATRONI_PORT), "patroni", "python3");
            e.port(r.get(Params.HAPROXY_EXPORTER_PORT), "haproxy");
            List<PgService> services = new ArrayList<>(r.get(Params.PG_DEFAULT_SERVICES));
            services.addAll(r.get(Params.PG_SERVICES));
            services.forEach(s -> e.port(s.port(), "haproxy"));
            e.dataDir = Optional.of(r.get(Params.PG_DATA));
            e.scope = Optional.of(c.name());
            e.diskPath = r.get(Params.NODE_DATA);
            e.patroniAllowOld = r.raw("patroni_allow_old").map(v -> Boolean.TRUE.equals(v) || "true".equals(String.valueOf(v)))
                    .orElse(false);
            if (Boolean.TRUE.equals(r.get(Params.PG_VIP_ENABLED))) {
                String vip = r.get(Params.PG_VIP_ADDRESS);
                e.vip = Optional.of(vip.contains("/") ? vip.substring(0, vip.indexOf('/')) : vip);
                String nic = r.get(Params.PG_VIP_INTERFACE);
                if (!nic.equals("auto")) {
                    e.interfaces.add(nic);
                }
            }
            for (String l : r.get(Params.PG_LISTEN).split(",")) {
                String a = l.strip().replace("${ip}", i.ip()).replace("${lo}", "127.0.0.1");
                if (!a.isEmpty() && !a.equals("0.0.0.0") && !a.equals("*") && !a.equals("::") && !a.contains("${")
                        && !e.vip.map(a::equals).orElse(false)) {
                    e.addresses.add(a);
                }
            }
        }
    }

    private static void etcd(Inventory inv, NodeGroup g, Map<String, Expect> ex) {
        for (Node n : g.nodes()) {
            Expect e = ex.get(n.ip());
            if (e == null) {
                continue;
            }
            Resolved r = inv.resolveNode(g, n);
            e.port(r.get(Params.ETCD_PORT), "etcd");
            e.port(r.get(Params.ETCD_PEER_PORT), "etcd");
            String data = r.get(Params.ETCD_DATA);
            e.diskPath = data.contains("/") && data.lastIndexOf('/') > 0 ? data.substring(0, data.lastIndexOf('/')) : "/";
        }
    }

    // the packages a step installs, read from its apt-get command: one owner, the step itself
    private static List<String> aptPackages(Step s) {
        List<String> out = new ArrayList<>();
        for (Command c : s.render().commands()) {
            List<String> argv = c.argv();
            // the program first: most commands are not apt-get, and searching every argv for "install" showed
            int at = !argv.isEmpty() && argv.get(0).equals("apt-get") ? argv.indexOf("install") : -1;
            if (at > 0) {
                argv.subList(at + 1, argv.size()).stream().filter(a -> !a.startsWith("-")).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Asks every host, in parallel; read-only.
     *
     * @param executor how to reach the hosts
     * @return every problem found
     */
    public PreflightReport run(Executor executor) {
        Map<Host, Probe.Answer> answers = new ConcurrentHashMap<>();
        Map<Host, String> unreachable = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, byHost.size())));
        try {
            List<Future<?>> fs = new ArrayList<>();
            byHost.forEach((h, e) -> fs.add(pool.submit(() -> {
                Command probe = Command.shell(Probe.script(e)).timeout(PROBE_TIMEOUT).build();
                long t0 = System.currentTimeMillis();
                try {
                    ExecResult r = executor.run(h, probe);
                    long t1 = System.currentTimeMillis();
                    answers.put(h, Probe.parse(r.stdout(), (t0 + t1) / 2, (t1 - t0) / 2));
                } catch (ExecException ex) {
                    unreachable.put(h, ex.getMessage());
                }
            })));
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new io.pigsty.model.PigstyException("preflight interrupted", ie);
                } catch (java.util.concurrent.ExecutionException ee) {
                    throw new io.pigsty.model.PigstyException("preflight failed: " + ee.getCause(), ee.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<PreflightProblem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        byHost.forEach((h, e) -> {
            if (unreachable.containsKey(h)) {
                problems.add(new PreflightProblem(h.address(), "reachable", "a host that runs commands", unreachable.get(h)));
            } else {
                Probe.evaluate(h.address(), e, answers.get(h), problems, notes);
            }
        });
        Probe.evaluateVip(byHost, answers, problems, notes);
        Probe.evaluateClocks(answers, MAX_CLOCK_SKEW, problems);
        return new PreflightReport(byHost.keySet().stream().map(Host::address).toList(), problems, notes);
    }
}
