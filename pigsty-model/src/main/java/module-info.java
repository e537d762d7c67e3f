/**
 * The typed Pigsty model: inventory, clusters, instances, users, databases, services, HBA rules,
 * parameters and their validation. Only the API packages are exported; {@code internal} stays ours.
 */
module io.pigsty.model {
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;

    exports io.pigsty.model;
    exports io.pigsty.model.spi;
    // only Derived is meant for them: what the planner modules derive per inventory is kept with it
    exports io.pigsty.model.internal to io.pigsty.api, io.pigsty.ha;

    // library modules (pigsty-ha) add inventory rules through this SPI
    uses io.pigsty.model.spi.InventoryRules;
}
