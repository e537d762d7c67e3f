package io.pigsty.examples.cli;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.CheckReport;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.ha.ops.ClusterOperations;
import io.pigsty.ha.ops.ScalePlans;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import io.pigsty.model.ValidationResult;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CLI's one door into the SDK: every engine call (inventory loading, plans, check, apply,
 * day-2 operations, executors) goes through here, so a change of the engine's API changes this
 * class only. Commands never build a {@code Pigsty}, a plan or an executor themselves.
 */
final class Engine implements AutoCloseable {
    private final PigstyCli cli;
    private final Inventory inventory;
    private final String source;
    private final boolean sandbox;
    private Pigsty pigsty;
    @SuppressWarnings("OptionalUsedAsFieldOrParameterType") // null: not loaded yet
    private Optional<Pki> pki;
    private Executor executor;

    private Engine(PigstyCli cli, Inventory inventory, String source, boolean sandbox) {
        this.cli = cli;
        this.inventory = inventory;
        this.source = source;
        this.sandbox = sandbox;
    }

    /**
     * Loads the inventory the flags name: {@code -i FILE}, else {@code ./pigsty.yml}, else the
     * shipped sandbox sample. Parsed, not validated (each command validates when it needs to).
     *
     * @param cli the flags
     * @return the engine
     */
    static Engine open(PigstyCli cli) {
        Path file = cli.inventory;
        if (file == null && Files.isRegularFile(Path.of("pigsty.yml"))) {
            file = Path.of("pigsty.yml");
        }
        if (file == null) {
            return new Engine(cli, Inventory.sample("sandbox"), "sample:sandbox", true);
        }
        if (!Files.isRegularFile(file)) {
            throw new PigstyCli.UsageError("--inventory " + file + ": no such file");
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return new Engine(cli, Inventory.parseUnvalidated(text, file.toString()), file.toString(), false);
        } catch (IOException e) {
            throw new PigstyCli.UsageError("--inventory " + file + ": cannot read: " + e.getMessage());
        }
    }

    /** @return the inventory */
    Inventory inventory() {
        return inventory;
    }

    /** @return where it came from ({@code sample:sandbox} or the file) */
    String source() {
        return source;
    }

    /** @return true when running on the shipped sandbox sample */
    boolean isSandboxSample() {
        return sandbox;
    }

    /** @return every problem of the inventory */
    ValidationResult validate() {
        return inventory.validate();
    }

    /** @return the inventory, or a {@link io.pigsty.model.ValidationException} with every error */
    Inventory validated() {
        inventory.validate().orThrow();
        return inventory;
    }

    private Pigsty pigsty() {
        if (pigsty == null) {
            Pigsty.Builder b = Pigsty.builder().inventory(inventory);
            pki().ifPresent(p -> b.module(new PkiModule(p)));
            pigsty = b.build();
        }
        return pigsty;
    }

    private Optional<Pki> pki() {
        if (pki == null) {
            pki = pkiDir(cli).map(dir -> Pki.createOrLoad(dir, CaSpec.pigstyDefault()));
        }
        return pki;
    }

    /**
     * @param cli the flags
     * @return the CA directory: {@code --pki}, else {@code $PIGSTY_PKI}; empty for plans without TLS
     */
    static Optional<Path> pkiDir(PigstyCli cli) {
        if (cli.pki != null) {
            return Optional.of(cli.pki);
        }
        // explicit only: a default from this machine's state would make the same command plan differently here and there
        return Optional.ofNullable(System.getenv("PIGSTY_PKI")).filter(v -> !v.isBlank()).map(Path::of);
    }

    /**
     * @param playbook what to do
     * @return its plan from the inventory alone (offline facts), narrowed by {@code --limit}
     */
    Plan offlinePlan(Playbook playbook) {
        return limited(pigsty().plan(playbook));
    }

    /**
     * @param playbook what to do
     * @return its plan for the hosts: from their gathered facts (offline ones under {@code --dry-run}),
     *         narrowed by {@code --limit}
     */
    Plan plan(Playbook playbook) {
        Plan p = limited(pigsty().plan(playbook, facts()));
        modelled.add(p);
        return p;
    }

    private final List<Plan> modelled = new java.util.ArrayList<>();
    private io.pigsty.api.facts.Facts facts;

    // a plan for real hosts is made from their own facts, so that apply does not refuse it as stale
    private io.pigsty.api.facts.Facts facts() {
        if (facts == null) {
            facts = cli.dryRun ? pigsty().offlineFacts() : pigsty().gatherFacts(executor());
        }
        return facts;
    }

    /**
     * @param playbook what to do
     * @return what it would change on the hosts (read-only)
     */
    CheckReport check(Playbook playbook) {
        return plan(playbook).check(executor());
    }

    /**
     * @param plan     a plan of this engine
     * @param listener progress
     * @return what happened
     */
    ApplyResult apply(Plan plan, PlanListener listener) {
        return plan.apply(executor(), listener);
    }

    /**
     * @param cluster the cluster whose inventory already holds the new members
     * @return node preparation, then {@code pgsql}, narrowed by {@code --limit}
     */
    List<Plan> scaleOut(String cluster) {
        List<Plan> plans = ScalePlans.scaleOut(pigsty(), cluster, facts()).stream().map(this::limited).toList();
        modelled.addAll(plans);
        return plans;
    }

    /**
     * @param cluster  cluster
     * @param instance address or name of the member to remove
     * @return removal of the member, then services and HBA rules of the rest
     */
    List<Plan> scaleIn(String cluster, String instance) {
        List<Plan> plans = ScalePlans.scaleIn(pigsty(), cluster, instance, facts());
        modelled.addAll(plans);
        return plans;
    }

    /**
     * @param changed an inventory derived from this one (a live pg_rto change, live roles)
     * @return an engine over it with the same flags and executor settings
     */
    Engine withInventory(Inventory changed) {
        Engine e = new Engine(cli, changed, source, sandbox);
        e.executor = executor;
        e.pigsty = pigsty == null ? null : pigsty.withInventory(changed);
        return e;
    }

    /**
     * @param cluster cluster name
     * @return day-2 operations on it (Patroni REST)
     */
    ClusterOperations ops(String cluster) {
        validated().requireCluster(cluster);
        ClusterOperations.Builder b = ClusterOperations.builder(inventory, cluster).timeout(Duration.ofSeconds(120));
        // members with patroni_ssl_enabled serve certificates of the deployment's CA
        pki().ifPresent(p -> b.caCertificates(p.caCertificatePem()));
        return b.build();
    }

    /**
     * @param status the cluster as Patroni sees it
     * @return an engine whose inventory names the live leader as primary
     */
    Engine withLiveRoles(io.pigsty.ha.ops.ClusterStatus status) {
        return withInventory(ScalePlans.withLiveRoles(inventory, status));
    }

    /**
     * @param cluster cluster
     * @param ip      a member address
     * @return true when the inventory has that member
     */
    boolean hasMember(String cluster, String ip) {
        return inventory.requireCluster(cluster).instances().stream().anyMatch(i -> i.ip().equals(ip)
                || Names.instance(cluster, i.seq()).equals(ip));
    }

    /** @return the executor of this run: SSH from the inventory and flags, or the dry-run model */
    Executor executor() {
        if (executor == null) {
            if (cli.dryRun && cli.dryRunExecutor != null) {
                executor = new Borrowed(cli.dryRunExecutor);
            } else if (cli.dryRun) {
                Resolved g = inventory.resolveGlobal();
                DryRunExecutor.Builder b = DryRunExecutor.builder()
                        .facts(g.get(Params.NODE_CPU), g.get(Params.NODE_MEM_MB), g.get(Params.NODE_DISK_GB))
                        .installed("patroni", "4.0.7-3~deb13u1").installed("etcd-server", "3.5.16-4");
                // the strict dry run accepts what this run's own plans do
                modelled.forEach(b::model);
                DryRunExecutor dry = b.build();
                executor = cli.dryRunDelayMs > 0 ? new Slow(dry, cli.dryRunDelayMs) : dry;
            } else {
                executor = Conn.ssh(Conn.resolve(inventory, cli, sandbox));
            }
            Executor ex = executor;
            if (ex instanceof Conn.Routing r) {
                cli.interrupts.beforeInterrupt(r::stopRunning);
            }
            cli.interrupts.onInterrupt(ex::close);
        }
        return executor;
    }

    /**
     * @param playbook the playbook
     * @return true when it removes something (needs {@code --yes})
     */
    static boolean destructive(Playbook playbook) {
        return playbook.name().endsWith("-rm");
    }

    private Plan limited(Plan plan) {
        if (cli.limit.isEmpty()) {
            return plan;
        }
        Set<String> hosts = limitHosts();
        Plan out = plan.limit(h -> hosts.contains(h.address()));
        if (out.stepCount() == 0) {
            throw new PigstyCli.UsageError("--limit " + String.join(",", cli.limit) + " leaves no step of " + plan.playbook()
                    + " (its hosts: " + plan.hosts().stream().map(Host::address).toList() + ")");
        }
        return out;
    }

    /** @return the addresses {@code --limit} selects: addresses, instance names, cluster and group names */
    Set<String> limitHosts() {
        Set<String> out = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        List<NodeGroup> groups = new ArrayList<>();
        inventory.infra().ifPresent(groups::add);
        inventory.etcd().ifPresent(groups::add);
        groups.addAll(inventory.nodeGroups());
        for (String l : cli.limit) {
            int before = out.size();
            boolean known = false;
            for (PgCluster c : inventory.clusters()) {
                for (PgInstance i : c.instances()) {
                    if (l.equals(c.name()) || l.equals(i.ip()) || l.equals(Names.instance(c.name(), i.seq()))) {
                        out.add(i.ip());
                        known = true;
                    }
                }
            }
            for (NodeGroup g : groups) {
                g.nodes().stream().filter(n -> l.equals(g.name()) || l.equals(n.ip())).forEach(n -> out.add(n.ip()));
                known |= l.equals(g.name()) || g.nodes().stream().anyMatch(n -> n.ip().equals(l));
            }
            if (!known && out.size() == before) {
                unknown.add(l);
            }
        }
        if (!unknown.isEmpty()) {
            throw new PigstyCli.UsageError("--limit: " + unknown + " is not a host, instance, cluster or group of "
                    + source);
        }
        return out;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.close();
        }
    }

    /** An executor the caller owns: used, not closed. */
    private static final class Borrowed implements Executor {
        private final Executor inner;

        Borrowed(Executor inner) {
            this.inner = inner;
        }

        @Override
        public boolean simulated() {
            return inner.simulated();
        }

        @Override
        public ExecResult run(Host host, Command command) {
            return inner.run(host, command);
        }

        @Override
        public void putFile(Host host, FileSpec file) {
            inner.putFile(host, file);
        }

        @Override
        public Optional<byte[]> readFile(Host host, String path) {
            return inner.readFile(host, path);
        }

        @Override
        public FileFacts stat(Host host, String path) {
            return inner.stat(host, path);
        }

        @Override
        public void close() {
            // the caller closes it
        }
    }

    /** The dry-run executor, slowed down (to watch progress, or rehearse timing). */
    private static final class Slow implements Executor {
        private final Executor inner;
        private final long ms;

        Slow(Executor inner, long ms) {
            this.inner = inner;
            this.ms = ms;
        }

        private void pause(Host h, String what) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecException(h, what, null, "", "interrupted", e);
            }
        }

        @Override
        public boolean simulated() {
            return inner.simulated();
        }

        @Override
        public ExecResult run(Host host, Command command) {
            pause(host, command.display());
            return inner.run(host, command);
        }

        @Override
        public void putFile(Host host, FileSpec file) {
            pause(host, "put " + file.path());
            inner.putFile(host, file);
        }

        @Override
        public Optional<byte[]> readFile(Host host, String path) {
            return inner.readFile(host, path);
        }

        @Override
        public FileFacts stat(Host host, String path) {
            return inner.stat(host, path);
        }
    }
}
