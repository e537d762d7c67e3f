package io.pigsty.ha.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgService;
import io.pigsty.model.spi.InventoryRules;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HA module's part of {@code Inventory.validate()}: every service's {@code selector} and
 * {@code backup} must be JMESPath that selects from the cluster's members, checked by the same
 * evaluator HAProxy's config is rendered with.
 */
public final class HaInventoryRules implements InventoryRules {
    /** Used by {@link java.util.ServiceLoader}. */
    public HaInventoryRules() {
    }

    @Override
    public String name() {
        return "HA (service selectors)";
    }

    @Override
    public void check(Inventory inventory, Reporter reporter) {
        for (PgCluster c : inventory.clusters()) {
            var r = inventory.resolve(c);
            check(inventory, c, "pg_default_services", r.get(Params.PG_DEFAULT_SERVICES), reporter);
            check(inventory, c, "pg_services", r.get(Params.PG_SERVICES), reporter);
        }
    }

    /** @return every selector and backup expression of the services: the only ones evaluated over their members */
    private static List<String> expressions(List<PgService> services) {
        List<String> out = new java.util.ArrayList<>();
        for (PgService s : services) {
            out.add(s.selector());
            s.backup().ifPresent(out::add);
        }
        return out;
    }

    private static void check(Inventory inv, PgCluster c, String key, List<PgService> services, Reporter reporter) {
        String base = reporter.path(c, key);
        // the members' vars as JMESPath sees them, built once for every expression of the cluster (lazily: most
        // services have one), not once per expression: that was a fifth of planning a thousand clusters
        Supplier<ArrayNode> members = new Supplier<>() {
            private ArrayNode built;

            @Override
            public ArrayNode get() {
                if (built == null) {
                    built = HaSupport.members(inv, c, expressions(services));
                }
                return built;
            }
        };
        for (int i = 0; i < services.size(); i++) {
            PgService s = services.get(i);
            String p = base + "[" + i + "]";
            if (!s.selector().isBlank()) {
                HaSupport.selectorProblem(inv, c, members, s.selector()).ifPresent(m -> reporter.error(p + ".selector", m));
            }
            s.backup().ifPresent(b -> HaSupport.selectorProblem(inv, c, members, b).ifPresent(m -> reporter.error(p + ".backup", m)));
        }
    }
}
