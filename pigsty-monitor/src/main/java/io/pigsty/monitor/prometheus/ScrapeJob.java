package io.pigsty.monitor.prometheus;

/**
 * The Prometheus scrape jobs generated for a Pigsty inventory. Each job has its own file_sd
 * directory ({@code <targets dir>/<job name>/*.yml}), so one instance is one file per job and
 * removing a member means deleting its files.
 */
public enum ScrapeJob {
    /** pg_exporter ({@code pg_exporter_port}, 9630). */
    PGSQL("pgsql"),
    /** pg_exporter in PgBouncer mode ({@code pgbouncer_exporter_port}, 9631). */
    PGBOUNCER("pgbouncer"),
    /** Patroni's REST API, which serves {@code /metrics} itself ({@code patroni_port}, 8008). */
    PATRONI("patroni"),
    /** HAProxy's built-in Prometheus exporter on the admin port ({@code haproxy_exporter_port}, 9101). */
    HAPROXY("haproxy"),
    /** node_exporter ({@code node_exporter_port}, 9100). */
    NODE("node"),
    /** etcd's own {@code /metrics} on its client port ({@code etcd_port}, 2379). */
    ETCD("etcd"),
    /** The infra node's own services: the TSDB, vmalert, Alertmanager, the blackbox exporter. */
    INFRA("infra"),
    /** ICMP reachability of every node and VIP, probed through the blackbox exporter (Pigsty's {@code ping} job). */
    PING("ping");

    private final String jobName;

    ScrapeJob(String jobName) {
        this.jobName = jobName;
    }

    /** @return the {@code job_name} and the {@code job} label, e.g. {@code pgsql} */
    public String jobName() {
        return jobName;
    }
}
