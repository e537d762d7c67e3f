/**
 * The engine: hosts, executors, facts, steps, plans, playbooks, templates, the module SPI, and the
 * NODE and PGSQL modules. Only the API packages are exported; {@code internal} packages stay ours.
 */
module io.pigsty.api {
    requires transitive io.pigsty.model;
    requires com.fasterxml.jackson.databind;
    requires freemarker;
    requires org.slf4j;

    exports io.pigsty.api;
    exports io.pigsty.api.exec;
    exports io.pigsty.api.facts;
    exports io.pigsty.api.node;
    exports io.pigsty.api.pgsql;
    exports io.pigsty.api.plan;
    exports io.pigsty.api.preflight;
    exports io.pigsty.api.quote;
    exports io.pigsty.api.spi;
    exports io.pigsty.api.step;
    exports io.pigsty.api.template;

    uses io.pigsty.api.spi.PigstyModule;
    provides io.pigsty.api.spi.PigstyModule with io.pigsty.api.node.NodeModule, io.pigsty.api.pgsql.PgsqlModule;
}
