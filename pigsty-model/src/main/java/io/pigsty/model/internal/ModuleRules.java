package io.pigsty.model.internal;

import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.model.spi.InventoryRules;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BiFunction;

/** Runs the {@link InventoryRules} that modules on the class path provide. */
final class ModuleRules {
    // loaded once: the class path does not change while the JVM runs
    private static final List<InventoryRules> RULES = ServiceLoader.load(InventoryRules.class,
            ModuleRules.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

    private final Findings f;
    private final BiFunction<PgCluster, String, String> where;

    ModuleRules(Findings f, BiFunction<PgCluster, String, String> where) {
        this.f = f;
        this.where = where;
    }

    void check(Inventory inv, boolean welltyped) {
        if (!welltyped) {
            return; // module rules read typed values; the type errors are reported already
        }
        InventoryRules.Reporter reporter = new InventoryRules.Reporter() {
            @Override
            public void error(String path, String reason) {
                f.error(path, reason);
            }

            @Override
            public void warn(String path, String reason) {
                f.warn(path, reason);
            }

            @Override
            public String path(PgCluster cluster, String key) {
                return where.apply(cluster, key);
            }
        };
        for (InventoryRules r : RULES) {
            try {
                r.check(inv, reporter);
            } catch (RuntimeException e) {
                // a rule that throws is a bug in that module; say so instead of hiding the inventory's findings
                f.error("all", "the " + r.name() + " rules failed (a bug, please report): " + e);
            }
        }
    }
}
