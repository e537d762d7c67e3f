/**
 * Monitoring: the exporter runtime (a drop-in for pg_exporter), the MONITOR and INFRA modules,
 * Prometheus/VictoriaMetrics configuration, rules and dashboards.
 */
module io.pigsty.monitor {
    requires transitive io.pigsty.api;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.sql;
    requires jdk.httpserver;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports io.pigsty.monitor;
    exports io.pigsty.monitor.prometheus;

    provides io.pigsty.api.spi.PigstyModule with io.pigsty.monitor.prometheus.MonitorModule,
            io.pigsty.monitor.prometheus.InfraModule;
}
