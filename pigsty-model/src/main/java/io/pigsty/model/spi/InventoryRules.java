package io.pigsty.model.spi;

import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;

/**
 * Rules a module adds to {@link Inventory#validate()}: a module that owns keys the model cannot
 * judge by itself (a JMESPath selector, a module's own parameters) checks them here, so the user
 * still gets every problem at once, at its path, before anything is planned. Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.pigsty.model.spi.InventoryRules},
 * or {@code provides} in a module descriptor).
 *
 * <p>Called only for inventories whose values all have the right types; an implementation reports
 * through the {@link Reporter} and never throws for a user mistake.
 */
public interface InventoryRules {
    /** @return a short name, used when an implementation fails (a bug) */
    String name();

    /**
     * @param inventory the inventory being validated
     * @param reporter  where findings go
     */
    void check(Inventory inventory, Reporter reporter);

    /** Where an {@link InventoryRules} puts what it finds. */
    interface Reporter {
        /** @param path Pigsty's path ({@code all.children.pg-test.vars.pg_services[0].selector}) @param reason what is wrong */
        void error(String path, String reason);

        /** @param path Pigsty's path @param reason what looks wrong but may be meant */
        void warn(String path, String reason);

        /**
         * @param cluster a cluster
         * @param key     a cluster-level key
         * @return the path of the level the key's effective value comes from: the cluster's vars when
         *         set there, else {@code all.vars} when set globally, else the cluster's vars
         */
        String path(PgCluster cluster, String key);
    }
}
