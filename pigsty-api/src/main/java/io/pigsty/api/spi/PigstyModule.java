package io.pigsty.api.spi;

import io.pigsty.api.plan.PlanBuilder;

/**
 * A module contributes steps to playbooks: NODE, PGSQL (in pigsty-api), ETCD, PATRONI, HAPROXY,
 * VIP (in pigsty-ha), MONITOR (in pigsty-monitor). Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.pigsty.api.spi.PigstyModule}) or registered explicitly on
 * {@code Pigsty.builder().module(...)}.
 */
public interface PigstyModule {
    /** @return the module name, such as {@code PATRONI}; one module per name */
    String name();

    /**
     * Adds this module's steps for {@code ctx.playbook()}, if it concerns the module.
     *
     * @param ctx  inventory, playbook, templates, facts
     * @param plan where steps go
     */
    void contribute(PlanContext ctx, PlanBuilder plan);

    /**
     * @return the deployment's CA, when this module holds one (the PKI module); empty by default
     */
    default java.util.Optional<CertificateIssuer> certificateIssuer() {
        return java.util.Optional.empty();
    }
}
