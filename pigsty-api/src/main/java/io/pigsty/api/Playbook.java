package io.pigsty.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What to do: Pigsty's playbooks as values. Modules decide which steps a playbook needs.
 *
 * @param name    {@code node}, {@code etcd}, {@code pgsql}, {@code pgsql-rm}, {@code pgsql-user},
 *                {@code pgsql-db}, {@code pgsql-hba}, {@code pgsql-svc}, {@code infra}, {@code pgsql-monitor},
 *                {@code pgsql-backup}, {@code pgsql-pitr}
 * @param cluster the cluster (or group) it targets, empty for all
 * @param args    extra arguments ({@code username}, {@code dbname}, {@code allow_live})
 */
public record Playbook(String name, Optional<String> cluster, Map<String, String> args) {
    /** Canonical constructor: rejects nulls, sorts args. */
    public Playbook {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cluster, "cluster");
        args = java.util.Collections.unmodifiableMap(new TreeMap<>(args));
    }

    /**
     * @param clusterOrGroup cluster or group name
     * @return node preparation (packages, OS users, directories, sysctl, default units disabled)
     */
    public static Playbook node(String clusterOrGroup) {
        return new Playbook("node", Optional.of(clusterOrGroup), Map.of());
    }

    /** @return the etcd cluster */
    public static Playbook etcd() {
        return new Playbook("etcd", Optional.empty(), Map.of());
    }

    /**
     * @param cluster cluster name
     * @return create the cluster: install, bootstrap primary, replicas, users, dbs, hba, pgbouncer, services, vip
     */
    public static Playbook pgsqlCreate(String cluster) {
        return new Playbook("pgsql", Optional.of(cluster), Map.of());
    }

    /**
     * @param cluster cluster name
     * @return remove the cluster; refused when {@code pg_safeguard} is set or the cluster is live
     *         (see {@link #allowLive()})
     */
    public static Playbook pgsqlRemove(String cluster) {
        return new Playbook("pgsql-rm", Optional.of(cluster), Map.of());
    }

    /**
     * Scale-in: removes one member (Patroni, PostgreSQL, its data when {@code pg_rm_data}) from a
     * live cluster. Refused while that member is the primary: switch over first. The cluster's DCS
     * keys stay. Follow with {@link #pgsqlSvc(String)} on the inventory without the member.
     *
     * @param cluster  cluster name
     * @param instance the member's address or name ({@code pg-test-3})
     * @return the playbook
     */
    public static Playbook pgsqlRemoveInstance(String cluster, String instance) {
        return new Playbook("pgsql-rm", Optional.of(cluster), Map.of("instance", instance));
    }

    /**
     * @param cluster cluster name
     * @param user    user name (must be in the cluster's pg_users)
     * @return create or alter one user
     */
    public static Playbook pgsqlUser(String cluster, String user) {
        return new Playbook("pgsql-user", Optional.of(cluster), Map.of("username", user));
    }

    /**
     * @param cluster cluster name
     * @param db      database name (must be in the cluster's pg_databases)
     * @return create or alter one database
     */
    public static Playbook pgsqlDb(String cluster, String db) {
        return new Playbook("pgsql-db", Optional.of(cluster), Map.of("dbname", db));
    }

    /**
     * @param cluster cluster name
     * @return re-render and reload HBA rules of postgres and pgbouncer
     */
    public static Playbook pgsqlHba(String cluster) {
        return new Playbook("pgsql-hba", Optional.of(cluster), Map.of());
    }

    /**
     * @param cluster cluster name
     * @return re-render and reload HAProxy services
     */
    public static Playbook pgsqlSvc(String cluster) {
        return new Playbook("pgsql-svc", Optional.of(cluster), Map.of());
    }

    /**
     * The infra nodes' monitoring stack: the TSDB (Prometheus, or VictoriaMetrics + vmalert with
     * {@code vmetrics_enabled}) with the generated scrape config, rules and targets, Alertmanager,
     * the blackbox exporter and node_exporter. Run it before {@link #pgsqlCreate(String)}.
     *
     * @return the playbook {@code infra}
     */
    public static Playbook infra() {
        return new Playbook("infra", Optional.empty(), Map.of());
    }

    /**
     * Monitor-only mode, as Pigsty's {@code pgsql-monitor.yml}: exporters on the infra nodes for every
     * remote instance listed in {@code pg_exporters}, registered like managed ones.
     *
     * @return the playbook {@code pgsql-monitor} for every remote instance
     */
    public static Playbook pgsqlMonitor() {
        return new Playbook("pgsql-monitor", Optional.empty(), Map.of());
    }

    /**
     * {@code pgsql-monitor -e clsname=<cluster>}: the remote instances of one cluster of
     * {@code pg_exporters}; for a cluster of the inventory, its members' exporters and registration
     * (the monitoring part of {@link #pgsqlCreate(String)} alone).
     *
     * @param cluster cluster name
     * @return the playbook
     */
    public static Playbook pgsqlMonitor(String cluster) {
        return new Playbook("pgsql-monitor", Optional.of(cluster), Map.of());
    }

    /**
     * One pgBackRest backup of the cluster, taken from the member that is primary at that moment
     * (with the central repository: by the repository host, which finds the primary itself).
     *
     * @param cluster cluster name
     * @param type    full, diff or incr
     * @return the playbook {@code pgsql-backup}
     */
    public static Playbook pgsqlBackup(String cluster, io.pigsty.model.BackupType type) {
        return new Playbook("pgsql-backup", Optional.of(cluster), Map.of("type", type.value()));
    }

    /**
     * Point-in-time recovery of the whole cluster (Pigsty's {@code pgsql-pitr}): refuses a target
     * outside the recoverable window before anything stops; then pauses Patroni, stops every member,
     * restores the primary and promotes it on a new timeline, wipes the cluster's DCS state, starts
     * it, and reinitialises the replicas from it. Refused when {@code pg_safeguard} is set, and while
     * the cluster runs unless {@link #allowLive()}.
     *
     * @param cluster cluster name
     * @param target  where recovery stops
     * @return the playbook {@code pgsql-pitr}
     */
    public static Playbook pgsqlPitr(String cluster, io.pigsty.model.PitrTarget target) {
        Map<String, String> a = new TreeMap<>();
        target.toMap().forEach((k, v) -> a.put("pitr_" + k, v));
        return new Playbook("pgsql-pitr", Optional.of(cluster), a);
    }

    /**
     * @param cluster cluster name
     * @return point-in-time recovery to the cluster's {@code pg_pitr} task of the inventory
     */
    public static Playbook pgsqlPitr(String cluster) {
        return new Playbook("pgsql-pitr", Optional.of(cluster), Map.of());
    }

    /**
     * What applying this playbook does with the other hosts when a step fails on one. A
     * point-in-time restore and a removal halt everywhere on the first failure: their later
     * steps (wiping a replica, removing the primary) are only safe once the earlier ones succeeded
     * on other hosts. Every other playbook converges each host on its own.
     *
     * @return {@link io.pigsty.api.plan.FailurePolicy#HALT_ALL} for {@code pgsql-pitr} and
     *         {@code pgsql-rm}, else {@link io.pigsty.api.plan.FailurePolicy#PER_HOST}
     */
    public io.pigsty.api.plan.FailurePolicy failurePolicy() {
        return name.equals("pgsql-pitr") || name.equals("pgsql-rm") ? io.pigsty.api.plan.FailurePolicy.HALT_ALL
                : io.pigsty.api.plan.FailurePolicy.PER_HOST;
    }

    /** @return this playbook allowed to remove a running cluster */
    public Playbook allowLive() {
        Map<String, String> a = new TreeMap<>(args);
        a.put("allow_live", "true");
        return new Playbook(name, cluster, a);
    }

    /**
     * @param key argument name
     * @return its value
     */
    public Optional<String> arg(String key) {
        return Optional.ofNullable(args.get(key));
    }

    /** @return the cluster, or an error naming the playbook */
    public String requireCluster() {
        return cluster.orElseThrow(() -> new io.pigsty.model.InvalidValueException("cluster", null, "playbook " + name + " needs a cluster"));
    }
}
