package io.pigsty.examples;

import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;

/** Test helper: an inventory with one cluster replaced. */
final class Inventories {
    private Inventories() {
    }

    static Inventory replace(Inventory inv, PgCluster c) {
        Inventory.Builder b = Inventory.builder().vars(inv.vars());
        inv.infra().ifPresent(b::infra);
        inv.etcd().ifPresent(b::etcd);
        inv.clusters().forEach(x -> b.cluster(x.name().equals(c.name()) ? c : x));
        inv.nodeGroups().forEach(b::nodeGroup);
        return b.build();
    }
}
