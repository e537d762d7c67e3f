package io.pigsty.api;

import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.facts.Facts;
import io.pigsty.api.facts.FactsGatherer;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.preflight.Preflight;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.template.Templates;
import io.pigsty.model.Inventory;
import io.pigsty.model.Param;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgUser;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The SDK's entry point: an inventory, modules and templates; turns playbooks into plans.
 *
 * <pre>{@code
 * Pigsty pigsty = Pigsty.builder().inventory(inv).build();
 * Plan offline = pigsty.plan(Playbook.pgsqlCreate("pg-test"));   // validates first; no host touched
 * System.out.println(offline.render().toText());
 * Plan plan = pigsty.plan(Playbook.pgsqlCreate("pg-test"), pigsty.gatherFacts(executor)); // real hosts
 * ApplyResult r = plan.apply(executor, new ConsoleProgressListener(System.out));
 * }</pre>
 */
public final class Pigsty {
    private final Inventory inventory;
    private final List<PigstyModule> modules;
    private final Templates templates;
    private final int parallelism;
    private final boolean preflight;

    private Pigsty(Builder b) {
        this.inventory = Objects.requireNonNull(b.inventory, "inventory");
        Map<String, PigstyModule> byName = new LinkedHashMap<>();
        if (b.serviceLoader) {
            ServiceLoader.load(PigstyModule.class, b.classLoader).forEach(m -> byName.putIfAbsent(m.name(), m));
        }
        b.modules.forEach(m -> byName.put(m.name(), m)); // explicit registration wins
        this.modules = List.copyOf(byName.values());
        Templates.Builder tb = Templates.builder().classLoader(b.classLoader);
        b.templateDirs.forEach(tb::overrideDir);
        this.templates = tb.build();
        this.parallelism = b.parallelism;
        this.preflight = b.preflight;
    }

    private Pigsty(Pigsty base, Inventory inventory) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.modules = base.modules;
        this.templates = base.templates;
        this.parallelism = base.parallelism;
        this.preflight = base.preflight;
    }

    /**
     * @param changed another inventory, e.g. this one with an instance added or removed
     * @return a facade with the same modules, templates and parallelism over {@code changed}
     */
    public Pigsty withInventory(Inventory changed) {
        return new Pigsty(this, changed);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the inventory */
    public Inventory inventory() {
        return inventory;
    }

    /** @return modules in use (service-loaded plus explicit) */
    public List<PigstyModule> modules() {
        return modules;
    }

    /** @return templates in use */
    public Templates templates() {
        return templates;
    }

    /**
     * Builds the plan of a playbook with offline facts ({@link Facts#offline(Inventory)}):
     * validates the inventory (throwing {@link io.pigsty.model.ValidationException} with every
     * error), then asks every module for its steps. Touches no host. Applying it to hosts whose
     * facts change the plan is refused: plan with {@link #plan(Playbook, Facts)} and
     * {@link #gatherFacts(Executor)} for real hosts.
     *
     * @param playbook what to do
     * @return the plan
     */
    public Plan plan(Playbook playbook) {
        return plan(playbook, offlineFacts());
    }

    /**
     * Builds the plan of a playbook from declared facts, usually {@link #gatherFacts(Executor)}:
     * what {@code render()} shows is what {@code check} and {@code apply} run.
     *
     * @param playbook what to do
     * @param facts    facts of the hosts (every host the modules ask about)
     * @return the plan
     */
    public Plan plan(Playbook playbook, Facts facts) {
        Objects.requireNonNull(facts, "facts");
        validated();
        playbook.cluster().ifPresent(c -> {
            if (inventory.cluster(c).isEmpty() && inventory.nodeGroups().stream().noneMatch(g -> g.name().equals(c))
                    && !c.equals("infra") && !c.equals("etcd")
                    // monitor-only clusters live in pg_exporters, which the MONITOR module checks
                    && !playbook.name().equals("pgsql-monitor")) {
                inventory.requireCluster(c);
            }
        });
        Plan.Planner planner = lookup -> {
            PlanBuilder pb = new PlanBuilder();
            PlanContext ctx = new PlanContext() {
                @Override
                public Playbook playbook() {
                    return playbook;
                }

                @Override
                public Inventory inventory() {
                    return inventory;
                }

                @Override
                public Templates templates() {
                    return templates;
                }

                @Override
                public HostFacts facts(Host host) {
                    return lookup.apply(host);
                }

                @Override
                public boolean hasModule(String name) {
                    return modules.stream().anyMatch(m -> m.name().equals(name));
                }

                @Override
                public java.util.Optional<io.pigsty.api.spi.CertificateIssuer> certificateIssuer() {
                    return modules.stream().flatMap(m -> m.certificateIssuer().stream()).findFirst();
                }
            };
            modules.forEach(m -> m.contribute(ctx, pb));
            return pb.build();
        };
        Plan plan = Plan.of(playbook.name() + playbook.cluster().map(c -> " " + c).orElse(""), planner, facts, secrets(),
                parallelism).withFailurePolicy(playbook.failurePolicy());
        // what every host must offer, read from the inventory and the plan's own steps; apply asks first
        if (!preflight) {
            return plan;
        }
        return plan.withPreflight(Preflight.of(inventory, playbook, plan.phases(),
                h -> plan.facts().host(h.address()).orElse(null)));
    }

    /** @return offline facts of every host of the inventory (computed once: the inventory is immutable) */
    public Facts offlineFacts() {
        Facts f = offline;
        if (f == null) {
            f = Facts.offline(inventory);
            offline = f;
        }
        return f;
    }

    /**
     * Reads the facts of every host of the inventory, in parallel; read-only.
     *
     * @param executor how to reach the hosts
     * @return their facts, to plan with ({@link #plan(Playbook, Facts)})
     * @throws io.pigsty.api.exec.ExecException when a host cannot be reached
     */
    public Facts gatherFacts(Executor executor) {
        Map<String, Host> hosts = new LinkedHashMap<>();
        for (PgCluster c : inventory.clusters()) {
            for (PgInstance i : c.instances()) {
                hosts.putIfAbsent(i.ip(), new Host(i.ip(), io.pigsty.model.Names.instance(c.name(), i.seq())));
            }
        }
        inventory.hosts().forEach(a -> hosts.putIfAbsent(a, Host.of(a)));
        return FactsGatherer.gather(executor, hosts.values(), parallelism);
    }

    private volatile Facts offline;
    private volatile boolean valid;
    private volatile Set<String> secrets;

    private Set<String> secrets() {
        if (secrets == null) {
            secrets = Set.copyOf(secrets(inventory));
        }
        return secrets;
    }

    // the inventory is immutable: one validation serves every plan of this facade
    private void validated() {
        if (!valid) {
            inventory.validate().orThrow();
            valid = true;
        }
    }

    /**
     * @param inv inventory
     * @return every secret value in it: default credentials and user passwords
     */
    @SuppressWarnings("unchecked")
    public static Set<String> secrets(Inventory inv) {
        Set<String> out = new HashSet<>();
        for (Param<?> p : Params.all()) {
            if (p.secret()) {
                inv.resolveGlobal().find((Param<Secret>) p).ifPresent(s -> out.add(s.reveal()));
            }
        }
        for (PgCluster c : inv.clusters()) {
            for (Param<?> p : Params.all()) {
                if (p.secret()) {
                    inv.resolve(c).find((Param<Secret>) p).ifPresent(s -> out.add(s.reveal()));
                }
            }
            for (PgUser u : c.users()) {
                u.password().ifPresent(s -> out.add(s.reveal()));
            }
        }
        out.remove("");
        // pg_etcd_password defaults to the cluster name: a name is not worth masking everywhere
        inv.clusters().forEach(c -> out.remove(c.name()));
        return out;
    }

    /** Builder of {@link Pigsty}. */
    public static final class Builder {
        private Inventory inventory;
        private final List<PigstyModule> modules = new ArrayList<>();
        private final List<Path> templateDirs = new ArrayList<>();
        private ClassLoader classLoader = Pigsty.class.getClassLoader();
        private boolean serviceLoader = true;
        private int parallelism = 8;
        private boolean preflight = true;

        private Builder() {
        }

        /** @param inv the inventory @return this */
        public Builder inventory(Inventory inv) {
            inventory = Objects.requireNonNull(inv);
            return this;
        }

        /** @param m a module, registered explicitly (wins over a service-loaded one of the same name) @return this */
        public Builder module(PigstyModule m) {
            modules.add(Objects.requireNonNull(m));
            return this;
        }

        /** @param load false to use only explicitly registered modules @return this */
        public Builder serviceLoader(boolean load) {
            serviceLoader = load;
            return this;
        }

        /** @param loader class loader for modules and bundled templates @return this */
        public Builder classLoader(ClassLoader loader) {
            classLoader = Objects.requireNonNull(loader);
            return this;
        }

        /** @param dir a directory overriding bundled templates by relative name @return this */
        public Builder templateDir(Path dir) {
            templateDirs.add(Objects.requireNonNull(dir));
            return this;
        }

        /** @param n max hosts in parallel within a phase @return this */
        public Builder parallelism(int n) {
            if (n < 1) {
                throw new PigstyException("parallelism must be >= 1, got " + n);
            }
            parallelism = n;
            return this;
        }

        /**
         * @param on false to plan without a preflight (a test that poses the local machine as
         *           the inventory's hosts, or a caller running its own checks)
         * @return this
         */
        public Builder preflight(boolean on) {
            preflight = on;
            return this;
        }

        /** @return the facade */
        public Pigsty build() {
            return new Pigsty(this);
        }
    }
}
