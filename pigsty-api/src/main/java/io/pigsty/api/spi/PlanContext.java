package io.pigsty.api.spi;

import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.template.Templates;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;

/** What a module sees while it contributes steps to a plan. */
public interface PlanContext {
    /** @return the playbook being planned */
    Playbook playbook();

    /** @return the validated inventory */
    Inventory inventory();

    /** @return templates (bundled plus user overrides) */
    Templates templates();

    /**
     * @param host a host of the inventory
     * @return its facts as the plan declares them: offline ones ({@code pigsty.plan(playbook)}) or
     *         gathered ones ({@code pigsty.plan(playbook, pigsty.gatherFacts(executor))}); a module
     *         must plan from these only, and show in its steps' rendering what it took from them
     */
    HostFacts facts(Host host);

    /**
     * Whether a module of this name takes part in the plan: a module whose file names another
     * module's product (PgBouncer's TLS certificate, issued by {@code PKI}) refuses to plan a
     * reference to something nothing creates.
     *
     * @param name a module name, such as {@code PKI}
     * @return true when a module of that name contributes to this plan; false by default
     */
    default boolean hasModule(String name) {
        return false;
    }

    /**
     * @return the deployment's CA as one of the plan's modules offers it (the PKI module), empty
     *         when none does: certificates then come from wherever the module's service gets them
     */
    default java.util.Optional<CertificateIssuer> certificateIssuer() {
        return java.util.Optional.empty();
    }

    /**
     * @param cluster  cluster
     * @param instance member
     * @return effective vars of the member
     */
    default Resolved resolve(PgCluster cluster, PgInstance instance) {
        return inventory().resolve(cluster, instance);
    }

    /**
     * @param instance a member
     * @param cluster  its cluster
     * @return the host of that member, named after the instance
     */
    default Host host(PgCluster cluster, PgInstance instance) {
        return new Host(instance.ip(), io.pigsty.model.Names.instance(cluster.name(), instance.seq()));
    }
}
