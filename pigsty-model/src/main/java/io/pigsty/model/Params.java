package io.pigsty.model;

import io.pigsty.model.internal.Codec;
import io.pigsty.model.internal.Mapping;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every inventory key the SDK knows, typed, with Pigsty's default. Keys not listed here are kept
 * as passthrough vars. Groups follow Pigsty's parameter groups (PG_ID, PG_BUSINESS, PG_INSTALL,
 * PG_BOOTSTRAP, PG_PROVISION, PG_ACCESS, PG_MONITOR, PG_REMOVE, NODE, HAPROXY, VIP, ETCD, INFRA).
 * Only what has a meaning on Debian 12 with PostgreSQL 15 is here.
 */
public final class Params {
    // must be initialised before the constants below register themselves
    // copy-on-write after class initialisation (Param.define): reads need no lock
    private static volatile Map<String, Param<?>> BY_NAME = new LinkedHashMap<>();

    private Params() {
    }

    private static <T> Param<T> p(String name, Codec<T> codec, T dflt, Scope scope, String description) {
        Param<T> param = new Param<>(name, codec, dflt, scope, description, codec == Codec.SECRET);
        if (BY_NAME.put(name, param) != null) {
            throw new IllegalStateException("duplicate param " + name);
        }
        return param;
    }

    private static final Codec<Role> ROLE = Codec.word("primary, replica, offline, standby or delayed", Role.class,
            Role::parse, Role::value);
    private static final Codec<RtoMode> RTO = Codec.simple("fast, norm, safe or wide", raw ->
            raw instanceof RtoMode m ? m : RtoMode.parse(raw).orElse(null), RtoMode::value);
    private static final Codec<PgTuning> TUNING = Codec.word("oltp.yml, olap.yml, crit.yml or tiny.yml",
            PgTuning.class, PgTuning::parse, PgTuning::templateName);
    private static final Codec<PoolMode> POOL = Codec.word("session, transaction or statement", PoolMode.class,
            PoolMode::parse, PoolMode::value);
    private static final Codec<List<PgUser>> USERS = Codec.listOf(Mapping.USER);
    private static final Codec<List<PgDatabase>> DATABASES = Codec.listOf(Mapping.DATABASE);
    private static final Codec<List<PgService>> SERVICES = Codec.listOf(Mapping.SERVICE);
    private static final Codec<List<HbaRule>> HBA = Codec.listOf(Mapping.HBA_RULE);
    private static final Codec<List<PgExtension>> EXTENSIONS = Codec.listOf(Mapping.EXTENSION);

    // ---------------------------------------------------------------- PG_ID
    /** Cluster name (identity, required on a PG group). */
    public static final Param<String> PG_CLUSTER = p("pg_cluster", Codec.STRING, null, Scope.CLUSTER, "PostgreSQL cluster name");
    /** Instance sequence number, unique in the cluster (identity, required on a PG host). */
    public static final Param<Integer> PG_SEQ = p("pg_seq", Codec.INT, null, Scope.INSTANCE, "instance sequence number");
    /** Instance role (identity, required on a PG host). */
    public static final Param<Role> PG_ROLE = p("pg_role", ROLE, null, Scope.INSTANCE, "instance role");
    /** Cluster mode; only {@code pgsql} is supported here. */
    public static final Param<String> PG_MODE = p("pg_mode", Codec.STRING, "pgsql", Scope.CLUSTER, "cluster mode");
    /** Upstream: on a primary, makes a standby cluster; on a replica, a cascade source. */
    public static final Param<String> PG_UPSTREAM = p("pg_upstream", Codec.STRING, null, Scope.INSTANCE, "replication upstream ip");
    /** Serve the offline service from this replica. */
    public static final Param<Boolean> PG_OFFLINE_QUERY = p("pg_offline_query", Codec.BOOL, false, Scope.INSTANCE, "allow offline queries on this instance");
    /** HAProxy weight (0-255). */
    public static final Param<Integer> PG_WEIGHT = p("pg_weight", Codec.INT, 100, Scope.INSTANCE, "relative load balance weight");

    // ---------------------------------------------------------------- PG_BUSINESS
    /** Business users of the cluster. */
    public static final Param<List<PgUser>> PG_USERS = p("pg_users", USERS, List.of(), Scope.CLUSTER, "business users");
    /** Business databases of the cluster. */
    public static final Param<List<PgDatabase>> PG_DATABASES = p("pg_databases", DATABASES, List.of(), Scope.CLUSTER, "business databases");
    /** Extra services of the cluster. */
    public static final Param<List<PgService>> PG_SERVICES = p("pg_services", SERVICES, List.of(), Scope.CLUSTER, "business services");
    /** Extra PostgreSQL HBA rules. */
    public static final Param<List<HbaRule>> PG_HBA_RULES = p("pg_hba_rules", HBA, List.of(), Scope.CLUSTER, "business hba rules for postgres");
    /** Extra PgBouncer HBA rules. */
    public static final Param<List<HbaRule>> PGB_HBA_RULES = p("pgb_hba_rules", HBA, List.of(), Scope.CLUSTER, "business hba rules for pgbouncer");
    /** Replication user name. */
    public static final Param<String> PG_REPLICATION_USERNAME = p("pg_replication_username", Codec.STRING, "replicator", Scope.GLOBAL, "replication user");
    /** Replication user password. */
    public static final Param<Secret> PG_REPLICATION_PASSWORD = p("pg_replication_password", Codec.SECRET, Secret.of("DBUser.Replicator"), Scope.GLOBAL, "replication user password");
    /** Admin user name. */
    public static final Param<String> PG_ADMIN_USERNAME = p("pg_admin_username", Codec.STRING, "dbuser_dba", Scope.GLOBAL, "admin user");
    /** Admin user password. */
    public static final Param<Secret> PG_ADMIN_PASSWORD = p("pg_admin_password", Codec.SECRET, Secret.of("DBUser.DBA"), Scope.GLOBAL, "admin user password");
    /** Monitor user name. */
    public static final Param<String> PG_MONITOR_USERNAME = p("pg_monitor_username", Codec.STRING, "dbuser_monitor", Scope.GLOBAL, "monitor user");
    /** Monitor user password. */
    public static final Param<Secret> PG_MONITOR_PASSWORD = p("pg_monitor_password", Codec.SECRET, Secret.of("DBUser.Monitor"), Scope.GLOBAL, "monitor user password");
    /** Database superuser password ('' = none, peer only). */
    public static final Param<Secret> PG_DBSU_PASSWORD = p("pg_dbsu_password", Codec.SECRET, Secret.of(""), Scope.GLOBAL, "dbsu password, empty for none");

    // ---------------------------------------------------------------- PG_INSTALL
    /** Database superuser OS user. */
    public static final Param<String> PG_DBSU = p("pg_dbsu", Codec.STRING, "postgres", Scope.CLUSTER, "os dbsu name");
    /** dbsu home directory (Debian's). */
    public static final Param<String> PG_DBSU_HOME = p("pg_dbsu_home", Codec.STRING, "/var/lib/postgresql", Scope.CLUSTER, "dbsu home");
    /** PostgreSQL major version. */
    public static final Param<Integer> PG_VERSION = p("pg_version", Codec.INT, 15, Scope.CLUSTER, "postgres major version");
    /** PostgreSQL binaries. */
    public static final Param<String> PG_BIN_DIR = p("pg_bin_dir", Codec.STRING, null, Scope.CLUSTER, "postgres binary dir (default /usr/lib/postgresql/<pg_version>/bin; another .../bin is a link, Pigsty-style)");
    /** Extra packages to install on the cluster's nodes. */
    public static final Param<List<String>> PG_PACKAGES = p("pg_packages", Codec.STRING_LIST, List.of(), Scope.CLUSTER, "extra packages");

    // ---------------------------------------------------------------- PG_BOOTSTRAP
    /** Data directory. */
    public static final Param<String> PG_DATA = p("pg_data", Codec.STRING, "/pg/data", Scope.CLUSTER, "postgres data directory");
    /** Filesystem main mount point. */
    public static final Param<String> PG_FS_MAIN = p("pg_fs_main", Codec.STRING, "/data", Scope.CLUSTER, "main data mountpoint");
    /** Listen addresses. */
    public static final Param<String> PG_LISTEN = p("pg_listen", Codec.STRING, "0.0.0.0", Scope.CLUSTER, "postgres/pgbouncer listen address");
    /** PostgreSQL port. */
    public static final Param<Integer> PG_PORT = p("pg_port", Codec.INT, 5432, Scope.CLUSTER, "postgres port");
    /** Unix socket directory. */
    public static final Param<String> PG_LOCALHOST = p("pg_localhost", Codec.STRING, "/var/run/postgresql", Scope.CLUSTER, "postgres unix socket dir");
    /** Where services route by default: pgbouncer or postgres. */
    public static final Param<String> PG_DEFAULT_SERVICE_DEST = p("pg_default_service_dest", Codec.STRING, "pgbouncer", Scope.CLUSTER, "default service destination");
    /** Patroni on/off. */
    public static final Param<Boolean> PATRONI_ENABLED = p("patroni_enabled", Codec.BOOL, true, Scope.CLUSTER, "bootstrap with patroni");
    /** Patroni mode: default, pause, remove. */
    public static final Param<String> PATRONI_MODE = p("patroni_mode", Codec.STRING, "default", Scope.CLUSTER, "patroni mode");
    /** DCS key prefix. */
    public static final Param<String> PG_NAMESPACE = p("pg_namespace", Codec.STRING, "/pg", Scope.CLUSTER, "patroni dcs namespace");
    /** Patroni REST port. */
    public static final Param<Integer> PATRONI_PORT = p("patroni_port", Codec.INT, 8008, Scope.CLUSTER, "patroni rest api port");
    /** Patroni REST over TLS (not supported by the sandbox). */
    public static final Param<Boolean> PATRONI_SSL_ENABLED = p("patroni_ssl_enabled", Codec.BOOL, false, Scope.CLUSTER, "patroni rest api over ssl");
    /** Patroni watchdog mode. */
    public static final Param<String> PATRONI_WATCHDOG_MODE = p("patroni_watchdog_mode", Codec.STRING, "off", Scope.CLUSTER, "off, automatic or required");
    /** Patroni REST user. */
    public static final Param<String> PATRONI_USERNAME = p("patroni_username", Codec.STRING, "postgres", Scope.GLOBAL, "patroni rest api user");
    /** Patroni REST password. */
    public static final Param<Secret> PATRONI_PASSWORD = p("patroni_password", Codec.SECRET, Secret.of("Patroni.API"), Scope.GLOBAL, "patroni rest api password");
    /** Allow a Patroni older than 3.0.3 (split-brain bug #2689); our key, default false. */
    public static final Param<Boolean> PATRONI_ALLOW_OLD = p("patroni_allow_old", Codec.BOOL, false, Scope.GLOBAL, "allow patroni < 3.0.3");
    /** Tuning template. */
    public static final Param<PgTuning> PG_CONF = p("pg_conf", TUNING, PgTuning.OLTP, Scope.CLUSTER, "tuning template");
    /** Max connections: {@code auto} (read as 0) = the template's formula, as in Pigsty. */
    public static final Param<Integer> PG_MAX_CONN = p("pg_max_conn", Codec.AUTO_INT, 0, Scope.CLUSTER, "max_connections, auto = from the template");
    /** Fraction of memory for shared_buffers (0.1-0.4). */
    public static final Param<Double> PG_SHARED_BUFFER_RATIO = p("pg_shared_buffer_ratio", Codec.simple("a number", raw ->
            raw instanceof Number n ? n.doubleValue() : null, v -> v), 0.25, Scope.CLUSTER, "shared buffer ratio");
    /** RTO mode. */
    public static final Param<RtoMode> PG_RTO = p("pg_rto", RTO, RtoMode.NORM, Scope.CLUSTER, "recovery time objective mode");
    /** RPO bytes; 0 = synchronous mode. */
    public static final Param<Long> PG_RPO = p("pg_rpo", Codec.LONG, 1048576L, Scope.CLUSTER, "recovery point objective, bytes");
    /** Shared preload libraries. */
    public static final Param<String> PG_LIBS = p("pg_libs", Codec.STRING, "pg_stat_statements, auto_explain", Scope.CLUSTER, "shared_preload_libraries");
    /** Delay of a delayed standby. */
    public static final Param<String> PG_DELAY = p("pg_delay", Codec.simple("a duration such as 1h or 0", raw ->
            raw instanceof String || raw instanceof Number ? String.valueOf(raw) : null, v -> v), "0", Scope.INSTANCE, "recovery_min_apply_delay");
    /** Data checksums. */
    public static final Param<Boolean> PG_CHECKSUM = p("pg_checksum", Codec.BOOL, true, Scope.CLUSTER, "data checksums");
    /** Password encryption. */
    public static final Param<String> PG_PWD_ENC = p("pg_pwd_enc", Codec.STRING, "scram-sha-256", Scope.CLUSTER, "scram-sha-256 or md5");
    /** Database encoding. */
    public static final Param<String> PG_ENCODING = p("pg_encoding", Codec.STRING, "UTF8", Scope.CLUSTER, "encoding");
    /** Locale. */
    public static final Param<String> PG_LOCALE = p("pg_locale", Codec.STRING, "C", Scope.CLUSTER, "locale");
    /** LC_COLLATE. */
    public static final Param<String> PG_LC_COLLATE = p("pg_lc_collate", Codec.STRING, "C", Scope.CLUSTER, "lc_collate");
    /** LC_CTYPE. */
    public static final Param<String> PG_LC_CTYPE = p("pg_lc_ctype", Codec.STRING, "C", Scope.CLUSTER, "lc_ctype");
    /** Extra postgresql parameters (ALTER SYSTEM / Patroni parameters). */
    public static final Param<Map<String, String>> PG_PARAMETERS = p("pg_parameters", Codec.STRING_MAP, Map.of(), Scope.CLUSTER, "extra postgres parameters");
    /** Per-cluster etcd password ('' = cluster name, Pigsty's {@code roles/pgsql/defaults}). */
    public static final Param<Secret> PG_ETCD_PASSWORD = p("pg_etcd_password", Codec.SECRET, Secret.of(""), Scope.CLUSTER, "etcd password, empty = cluster name");

    // ---------------------------------------------------------------- PG_PROVISION
    /** Default roles and system users. */
    public static final Param<List<PgUser>> PG_DEFAULT_ROLES = p("pg_default_roles", USERS, Defaults.defaultRoles(), Scope.GLOBAL, "default roles and users");
    /** Default schemas. */
    public static final Param<List<String>> PG_DEFAULT_SCHEMAS = p("pg_default_schemas", Codec.STRING_LIST, Defaults.defaultSchemas(), Scope.GLOBAL, "default schemas");
    /** Default extensions. */
    public static final Param<List<PgExtension>> PG_DEFAULT_EXTENSIONS = p("pg_default_extensions", EXTENSIONS, Defaults.defaultExtensions(), Scope.GLOBAL, "default extensions");
    /** Default HBA rules for postgres. */
    public static final Param<List<HbaRule>> PG_DEFAULT_HBA_RULES = p("pg_default_hba_rules", HBA, Defaults.defaultHbaRules(), Scope.GLOBAL, "default postgres hba rules");
    /** Default HBA rules for pgbouncer. */
    public static final Param<List<HbaRule>> PGB_DEFAULT_HBA_RULES = p("pgb_default_hba_rules", HBA, Defaults.defaultPgbHbaRules(), Scope.GLOBAL, "default pgbouncer hba rules");
    /** Default services. */
    public static final Param<List<PgService>> PG_DEFAULT_SERVICES = p("pg_default_services", SERVICES, Defaults.defaultServices(), Scope.GLOBAL, "default services");

    // ---------------------------------------------------------------- PG_ACCESS
    /** PgBouncer on/off. */
    public static final Param<Boolean> PGBOUNCER_ENABLED = p("pgbouncer_enabled", Codec.BOOL, true, Scope.CLUSTER, "enable pgbouncer");
    /** PgBouncer port. */
    public static final Param<Integer> PGBOUNCER_PORT = p("pgbouncer_port", Codec.INT, 6432, Scope.CLUSTER, "pgbouncer port");
    /** PgBouncer log dir. */
    public static final Param<String> PGBOUNCER_LOG_DIR = p("pgbouncer_log_dir", Codec.STRING, "/pg/log/pgbouncer", Scope.CLUSTER, "pgbouncer log dir");
    /** auth_query for unlisted users. */
    public static final Param<Boolean> PGBOUNCER_AUTH_QUERY = p("pgbouncer_auth_query", Codec.BOOL, false, Scope.CLUSTER, "use auth_query");
    /** Default pool mode. */
    public static final Param<PoolMode> PGBOUNCER_POOLMODE = p("pgbouncer_poolmode", POOL, PoolMode.TRANSACTION, Scope.CLUSTER, "pool mode");
    /** Client TLS mode. */
    public static final Param<String> PGBOUNCER_SSLMODE = p("pgbouncer_sslmode", Codec.STRING, "disable", Scope.CLUSTER, "client ssl mode");
    /** Startup parameters to ignore. */
    public static final Param<List<String>> PGBOUNCER_IGNORE_PARAM = p("pgbouncer_ignore_param", Codec.STRING_LIST,
            List.of("extra_float_digits", "application_name", "TimeZone", "DateStyle", "IntervalStyle", "search_path"), Scope.CLUSTER, "ignored startup parameters");
    /** L2 VIP on/off. */
    public static final Param<Boolean> PG_VIP_ENABLED = p("pg_vip_enabled", Codec.BOOL, false, Scope.CLUSTER, "enable l2 vip");
    /** VIP address with mask, e.g. 10.213.0.3/24. */
    public static final Param<String> PG_VIP_ADDRESS = p("pg_vip_address", Codec.STRING, "127.0.0.1/24", Scope.CLUSTER, "vip address/cidr");
    /** VIP interface ('auto' = the node's primary interface). */
    public static final Param<String> PG_VIP_INTERFACE = p("pg_vip_interface", Codec.STRING, "auto", Scope.CLUSTER, "vip interface");
    /** DNS suffix. */
    public static final Param<String> PG_DNS_SUFFIX = p("pg_dns_suffix", Codec.STRING, "", Scope.CLUSTER, "dns suffix");
    /** DNS target. */
    public static final Param<String> PG_DNS_TARGET = p("pg_dns_target", Codec.STRING, "auto", Scope.CLUSTER, "auto, primary, vip, none or an ip");

    // ---------------------------------------------------------------- PG_MONITOR
    /** pg_exporter on/off. */
    public static final Param<Boolean> PG_EXPORTER_ENABLED = p("pg_exporter_enabled", Codec.BOOL, true, Scope.CLUSTER, "enable pg_exporter");
    /** pg_exporter port. */
    public static final Param<Integer> PG_EXPORTER_PORT = p("pg_exporter_port", Codec.INT, 9630, Scope.CLUSTER, "pg_exporter port");
    /** pg_exporter auto discovery. */
    public static final Param<Boolean> PG_EXPORTER_AUTO_DISCOVERY = p("pg_exporter_auto_discovery", Codec.BOOL, true, Scope.CLUSTER, "discover databases");
    /** Databases excluded from discovery. */
    public static final Param<String> PG_EXPORTER_EXCLUDE_DATABASE = p("pg_exporter_exclude_database", Codec.STRING, "template0,template1,postgres", Scope.CLUSTER, "excluded databases");
    /** Databases included ('' = all). */
    public static final Param<String> PG_EXPORTER_INCLUDE_DATABASE = p("pg_exporter_include_database", Codec.STRING, "", Scope.CLUSTER, "included databases");
    /** Connect timeout, ms. */
    public static final Param<Integer> PG_EXPORTER_CONNECT_TIMEOUT = p("pg_exporter_connect_timeout", Codec.INT, 200, Scope.CLUSTER, "connect timeout ms");
    /** pgbouncer_exporter on/off. */
    public static final Param<Boolean> PGBOUNCER_EXPORTER_ENABLED = p("pgbouncer_exporter_enabled", Codec.BOOL, true, Scope.CLUSTER, "enable pgbouncer exporter");
    /** pgbouncer_exporter port. */
    public static final Param<Integer> PGBOUNCER_EXPORTER_PORT = p("pgbouncer_exporter_port", Codec.INT, 9631, Scope.CLUSTER, "pgbouncer exporter port");

    // ---------------------------------------------------------------- PG_REMOVE
    /** Refuse to remove this cluster. */
    public static final Param<Boolean> PG_SAFEGUARD = p("pg_safeguard", Codec.BOOL, false, Scope.CLUSTER, "prevent removal");
    /** Remove data on removal. */
    public static final Param<Boolean> PG_RM_DATA = p("pg_rm_data", Codec.BOOL, true, Scope.CLUSTER, "remove data when removing");
    /** Remove packages on removal. */
    public static final Param<Boolean> PG_RM_PKG = p("pg_rm_pkg", Codec.BOOL, true, Scope.CLUSTER, "remove packages when removing");

    // ---------------------------------------------------------------- NODE
    /** Node name (default: instance name). */
    public static final Param<String> NODENAME = p("nodename", Codec.STRING, null, Scope.INSTANCE, "node name");
    /** Node cluster name. */
    public static final Param<String> NODE_CLUSTER = p("node_cluster", Codec.STRING, "nodes", Scope.CLUSTER, "node cluster name");
    /** Take node identity from the PG identity. */
    public static final Param<Boolean> NODE_ID_FROM_PG = p("node_id_from_pg", Codec.BOOL, true, Scope.CLUSTER, "node identity from pg identity");
    /** Node tuning profile. */
    public static final Param<String> NODE_TUNE = p("node_tune", Codec.STRING, "oltp", Scope.CLUSTER, "tuned profile");
    /** sysctl parameters. */
    public static final Param<Map<String, String>> NODE_SYSCTL_PARAMS = p("node_sysctl_params", Codec.STRING_MAP,
            Map.of("fs.nr_open", "8388608"), Scope.CLUSTER, "sysctl parameters");
    /** Extra packages. */
    public static final Param<List<String>> NODE_PACKAGES = p("node_packages", Codec.STRING_LIST, List.of("openssh-server"), Scope.CLUSTER, "node packages");
    /** Main data directory. */
    public static final Param<String> NODE_DATA = p("node_data", Codec.STRING, "/data", Scope.CLUSTER, "node data dir");
    /** Intranet CIDRs (the "intra" HBA alias). */
    public static final Param<List<String>> NODE_FIREWALL_INTRANET = p("node_firewall_intranet", Codec.STRING_LIST,
            List.of("10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"), Scope.GLOBAL, "intranet cidrs");
    /** Offline rendering fact: CPU count. */
    public static final Param<Integer> NODE_CPU = p("node_cpu", Codec.INT, 4, Scope.INSTANCE, "cpu count for offline rendering");
    /** Offline rendering fact: memory MB. */
    public static final Param<Integer> NODE_MEM_MB = p("node_mem_mb", Codec.INT, 8192, Scope.INSTANCE, "memory MB for offline rendering");
    /** Offline rendering fact: data disk GB. */
    public static final Param<Integer> NODE_DISK_GB = p("node_disk_gb", Codec.INT, 100, Scope.INSTANCE, "disk GB for offline rendering");

    // ---------------------------------------------------------------- HAPROXY
    /** HAProxy on/off. */
    public static final Param<Boolean> HAPROXY_ENABLED = p("haproxy_enabled", Codec.BOOL, true, Scope.CLUSTER, "enable haproxy");
    /** Reload HAProxy after config changes. */
    public static final Param<Boolean> HAPROXY_RELOAD = p("haproxy_reload", Codec.BOOL, true, Scope.CLUSTER, "reload haproxy on change");
    /** Admin page auth on/off. */
    public static final Param<Boolean> HAPROXY_AUTH_ENABLED = p("haproxy_auth_enabled", Codec.BOOL, true, Scope.GLOBAL, "admin page auth");
    /** Admin user. */
    public static final Param<String> HAPROXY_ADMIN_USERNAME = p("haproxy_admin_username", Codec.STRING, "admin", Scope.GLOBAL, "haproxy admin user");
    /** Admin password. */
    public static final Param<Secret> HAPROXY_ADMIN_PASSWORD = p("haproxy_admin_password", Codec.SECRET, Secret.of("pigsty"), Scope.GLOBAL, "haproxy admin password");
    /** Admin page / metrics port. */
    public static final Param<Integer> HAPROXY_EXPORTER_PORT = p("haproxy_exporter_port", Codec.INT, 9101, Scope.CLUSTER, "haproxy admin/metrics port");
    /** Client timeout. */
    public static final Param<String> HAPROXY_CLIENT_TIMEOUT = p("haproxy_client_timeout", Codec.STRING, "24h", Scope.CLUSTER, "client timeout");
    /** Server timeout. */
    public static final Param<String> HAPROXY_SERVER_TIMEOUT = p("haproxy_server_timeout", Codec.STRING, "24h", Scope.CLUSTER, "server timeout");

    // ---------------------------------------------------------------- ETCD
    /** etcd member sequence (identity in the etcd group). */
    public static final Param<Integer> ETCD_SEQ = p("etcd_seq", Codec.INT, null, Scope.INSTANCE, "etcd member seq");
    /** etcd cluster name. */
    public static final Param<String> ETCD_CLUSTER = p("etcd_cluster", Codec.STRING, "etcd", Scope.CLUSTER, "etcd cluster name");
    /** etcd data dir. */
    public static final Param<String> ETCD_DATA = p("etcd_data", Codec.STRING, "/data/etcd", Scope.CLUSTER, "etcd data dir");
    /** etcd client port. */
    public static final Param<Integer> ETCD_PORT = p("etcd_port", Codec.INT, 2379, Scope.CLUSTER, "etcd client port");
    /** etcd peer port. */
    public static final Param<Integer> ETCD_PEER_PORT = p("etcd_peer_port", Codec.INT, 2380, Scope.CLUSTER, "etcd peer port");
    /** new or existing. */
    public static final Param<String> ETCD_INIT = p("etcd_init", Codec.STRING, "new", Scope.CLUSTER, "new or existing");
    /** Election timeout, ms. */
    public static final Param<Integer> ETCD_ELECTION_TIMEOUT = p("etcd_election_timeout", Codec.INT, 1000, Scope.CLUSTER, "election timeout ms");
    /** Heartbeat interval, ms. */
    public static final Param<Integer> ETCD_HEARTBEAT_INTERVAL = p("etcd_heartbeat_interval", Codec.INT, 100, Scope.CLUSTER, "heartbeat interval ms");
    /** Refuse to remove etcd. */
    public static final Param<Boolean> ETCD_SAFEGUARD = p("etcd_safeguard", Codec.BOOL, false, Scope.CLUSTER, "prevent etcd removal");
    /** etcd root password (Pigsty's {@code roles/etcd/defaults}: {@code Etcd.Root}, "change it!"). */
    public static final Param<Secret> ETCD_ROOT_PASSWORD = p("etcd_root_password", Codec.SECRET, Secret.of("Etcd.Root"), Scope.GLOBAL, "etcd root password");
    /**
     * etcd's RBAC: a root user, a user and role per PG cluster limited to its Patroni prefix, auth
     * enabled. Pigsty v4 always enables it (its {@code etcd_auth} task has no switch); the key is
     * ours, so that an inventory can turn it off.
     */
    public static final Param<Boolean> ETCD_AUTH_ENABLED = p("etcd_auth_enabled", Codec.BOOL, true, Scope.GLOBAL, "etcd rbac authentication");

    // ---------------------------------------------------------------- INFRA / META
    /** Admin node ip. */
    public static final Param<String> ADMIN_IP = p("admin_ip", Codec.STRING, "10.10.10.10", Scope.GLOBAL, "admin node ip");
    /** Pigsty version this inventory targets. */
    public static final Param<String> VERSION = p("version", Codec.STRING, "v4.5.0", Scope.GLOBAL, "pigsty version");
    /** Infra node sequence (identity in the infra group). */
    public static final Param<Integer> INFRA_SEQ = p("infra_seq", Codec.INT, null, Scope.INSTANCE, "infra node seq");
    /** Prometheus on/off. */
    public static final Param<Boolean> PROMETHEUS_ENABLED = p("prometheus_enabled", Codec.BOOL, true, Scope.GLOBAL, "enable prometheus");
    /** Prometheus port. */
    public static final Param<Integer> PROMETHEUS_PORT = p("prometheus_port", Codec.INT, 9090, Scope.GLOBAL, "prometheus port");
    /** file_sd directory. */
    public static final Param<String> PROMETHEUS_SD_DIR = p("prometheus_sd_dir", Codec.STRING, "/etc/prometheus/targets", Scope.GLOBAL, "file_sd directory");
    /** Scrape interval. */
    public static final Param<String> PROMETHEUS_SCRAPE_INTERVAL = p("prometheus_scrape_interval", Codec.STRING, "10s", Scope.GLOBAL, "scrape interval");
    /** Scrape timeout. */
    public static final Param<String> PROMETHEUS_SCRAPE_TIMEOUT = p("prometheus_scrape_timeout", Codec.STRING, "8s", Scope.GLOBAL, "scrape timeout");
    /** Alertmanager port. */
    public static final Param<Integer> ALERTMANAGER_PORT = p("alertmanager_port", Codec.INT, 9093, Scope.GLOBAL, "alertmanager port");
    /** Grafana port. */
    public static final Param<Integer> GRAFANA_PORT = p("grafana_port", Codec.INT, 3000, Scope.GLOBAL, "grafana port");
    /** Grafana admin user. */
    public static final Param<String> GRAFANA_ADMIN_USERNAME = p("grafana_admin_username", Codec.STRING, "admin", Scope.GLOBAL, "grafana admin user");
    /** Grafana admin password. */
    public static final Param<Secret> GRAFANA_ADMIN_PASSWORD = p("grafana_admin_password", Codec.SECRET, Secret.of("pigsty"), Scope.GLOBAL, "grafana admin password");

    // ---- versions, extensions and Pigsty's own values (issue 12) ----
    /** Extensions to install: catalog names, aliases, Pigsty package aliases or Debian package names. */
    public static final Param<List<String>> PG_EXTENSIONS = p("pg_extensions", Codec.STRING_LIST, List.of(), Scope.CLUSTER, "extensions to install (see ExtensionCatalog)");
    /** Crontab of the dbsu, owned by the plan (Pigsty's pg_crontab). */
    public static final Param<List<String>> PG_CRONTAB = p("pg_crontab", Codec.STRING_LIST, List.of(), Scope.CLUSTER, "dbsu crontab entries");
    /** System cron entries ({@code m h dom mon dow user command}), written to /etc/cron.d/pigsty. */
    public static final Param<List<String>> NODE_CRONTAB = p("node_crontab", Codec.STRING_LIST, List.of(), Scope.CLUSTER, "node crontab entries");
    /** The node's OS, when declared: debian12 or debian13 (our key; Pigsty detects it). */
    public static final Param<String> NODE_OS = p("node_os", Codec.STRING, null, Scope.INSTANCE, "debian12 or debian13, checked against pg_version");

    // ---- monitoring deployed: INFRA TSDB, alerting, probes, monitor-only mode (issue 13) ----
    /** VictoriaMetrics (+ vmalert) instead of Prometheus as the TSDB on infra nodes (Pigsty v4's choice). */
    public static final Param<Boolean> VMETRICS_ENABLED = p("vmetrics_enabled", Codec.BOOL, false, Scope.GLOBAL, "use VictoriaMetrics + vmalert instead of Prometheus");
    /** VictoriaMetrics HTTP port. */
    public static final Param<Integer> VMETRICS_PORT = p("vmetrics_port", Codec.INT, 8428, Scope.GLOBAL, "VictoriaMetrics port");
    /** vmalert HTTP port. */
    public static final Param<Integer> VMALERT_PORT = p("vmalert_port", Codec.INT, 8880, Scope.GLOBAL, "vmalert port");
    /** TSDB retention (Prometheus {@code --storage.tsdb.retention.time}, VictoriaMetrics {@code -retentionPeriod}). */
    public static final Param<String> PROMETHEUS_RETENTION = p("prometheus_retention", Codec.STRING, "15d", Scope.GLOBAL, "TSDB retention");
    /** Remote-write URLs the TSDB forwards every sample to (VictoriaMetrics cluster, Thanos, Mimir). */
    public static final Param<List<String>> PROMETHEUS_REMOTE_WRITE = p("prometheus_remote_write", Codec.STRING_LIST, List.of(), Scope.GLOBAL, "remote write URLs");
    /** Alertmanager on infra nodes. */
    public static final Param<Boolean> ALERTMANAGER_ENABLED = p("alertmanager_enabled", Codec.BOOL, true, Scope.GLOBAL, "enable alertmanager");
    /** Blackbox exporter on infra nodes (the {@code ping} job). */
    public static final Param<Boolean> BLACKBOX_ENABLED = p("blackbox_enabled", Codec.BOOL, true, Scope.GLOBAL, "enable blackbox exporter");
    /** Blackbox exporter port. */
    public static final Param<Integer> BLACKBOX_PORT = p("blackbox_port", Codec.INT, 9115, Scope.GLOBAL, "blackbox exporter port");
    /**
     * JVM options of the exporter units (the heap, GC and JIT settings that keep one exporter small, chosen by
     * pigsty-monitor's ExporterBenchmark on the rendered unit); a member with thousands of tables may need a
     * larger {@code -Xmx}: the JVM exits on OutOfMemoryError and systemd restarts it, so raise it here.
     * {@code -Xmx32m}: a database with 2,000 tables has a live set of 16 MiB after a full GC (twice that
     * is the margin); {@code -Xmn3m} keeps the young generation small (a scrape's garbage dies young either way)
     * and {@code Min/MaxHeapFreeRatio} let the old one shrink back after a full GC. C1 only, one compiler
     * thread, and compile thresholds ten times the defaults: only the scrape's hot path is compiled, so the code
     * cache and the compiler's arenas stay about 3 MiB smaller ({@code -XX:ReservedCodeCacheSize=6m} is twice
     * what it then holds).
     */
    public static final Param<String> PG_EXPORTER_JVM_OPTIONS = p("pg_exporter_jvm_options", Codec.STRING,
            "-Xms8m -Xmx32m -Xmn3m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss256k -XX:+UseSerialGC"
                    + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:Tier3InvocationThreshold=2000"
                    + " -XX:Tier3MinInvocationThreshold=1000 -XX:Tier3CompileThreshold=20000 -XX:Tier3BackEdgeThreshold=120000"
                    + " -XX:ReservedCodeCacheSize=6m -XX:MaxMetaspaceSize=48m -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError",
            Scope.CLUSTER, "exporter JVM options");

    // ---- backup (issue 14) ----
    private static final Codec<Map<String, BackupRepo>> REPOS = io.pigsty.model.internal.BackupMapping.REPOS;
    private static final Codec<PitrTarget> PITR = io.pigsty.model.internal.BackupMapping.PITR;
    /** pgBackRest on the cluster: WAL archiving, stanza, backups. */
    public static final Param<Boolean> PGBACKREST_ENABLED = p("pgbackrest_enabled", Codec.BOOL, true, Scope.CLUSTER, "enable pgbackrest");
    /** Remove a stale stanza of another database system from a posix repo before creating the stanza. */
    public static final Param<Boolean> PGBACKREST_CLEAN = p("pgbackrest_clean", Codec.BOOL, true, Scope.CLUSTER, "clean stale repo data at init");
    /** pgBackRest log directory. */
    public static final Param<String> PGBACKREST_LOG_DIR = p("pgbackrest_log_dir", Codec.STRING, "/pg/log/pgbackrest", Scope.CLUSTER, "pgbackrest log dir");
    /** The key of {@code pgbackrest_repo} in use: {@code local}, {@code minio}, {@code central} or one of the user's. */
    public static final Param<String> PGBACKREST_METHOD = p("pgbackrest_method", Codec.STRING, "local", Scope.CLUSTER, "pgbackrest repo method");
    /** Take a full backup right after the stanza is created. */
    public static final Param<Boolean> PGBACKREST_INIT_BACKUP = p("pgbackrest_init_backup", Codec.BOOL, true, Scope.CLUSTER, "full backup after init");
    /** Named repositories (Pigsty's {@code local} and {@code minio}, plus this SDK's {@code central} on the infra node). */
    public static final Param<Map<String, BackupRepo>> PGBACKREST_REPO = p("pgbackrest_repo", REPOS, BackupRepo.defaults(), Scope.CLUSTER, "pgbackrest repositories");
    /** pgBackRest TLS server port (members and the central repository host). */
    public static final Param<Integer> PGBACKREST_TLS_PORT = p("pgbackrest_tls_port", Codec.INT, 8432, Scope.GLOBAL, "pgbackrest tls server port");
    /** CA certificate that signed the pgBackRest TLS certificates (made on the repository host when absent). */
    public static final Param<String> PGBACKREST_TLS_CA = p("pgbackrest_tls_ca", Codec.STRING, "/etc/pgbackrest/tls/ca.crt", Scope.GLOBAL, "ca certificate for pgbackrest tls");
    /** Certificate of this host for the pgBackRest TLS server and client (CN = the host address). */
    public static final Param<String> PGBACKREST_TLS_CERT = p("pgbackrest_tls_cert", Codec.STRING, "/etc/pgbackrest/tls/server.crt", Scope.GLOBAL, "pgbackrest tls certificate");
    /** Key of {@code pgbackrest_tls_cert}. */
    public static final Param<String> PGBACKREST_TLS_KEY = p("pgbackrest_tls_key", Codec.STRING, "/etc/pgbackrest/tls/server.key", Scope.GLOBAL, "pgbackrest tls key");
    /** A PITR task (Pigsty's {@code pg_pitr}), used by {@code pgsql-pitr} when the playbook names no target. */
    public static final Param<PitrTarget> PG_PITR = p("pg_pitr", PITR, null, Scope.CLUSTER, "point in time recovery task");
    /** Bootstrap this cluster from another cluster's backup (the source's stanza in the same repository). */
    public static final Param<String> PG_CLONE_FROM = p("pg_clone_from", Codec.STRING, null, Scope.CLUSTER, "clone from this cluster's backup");
    /** Where the clone stops: a {@code pg_pitr}-shaped target; latest when unset. */
    public static final Param<PitrTarget> PG_CLONE_TARGET = p("pg_clone_target", PITR, null, Scope.CLUSTER, "clone recovery target");
    /** Keep the clone following the source as a standby cluster (WAL from the repository and streaming). */
    public static final Param<Boolean> PG_CLONE_STANDBY = p("pg_clone_standby", Codec.BOOL, false, Scope.CLUSTER, "clone as standby cluster");
    /** pgbackrest_exporter port (Pigsty's). */
    public static final Param<Integer> PGBACKREST_EXPORTER_PORT = p("pgbackrest_exporter_port", Codec.INT, 9854, Scope.CLUSTER, "pgbackrest exporter port");
    /** {@code pgsql-rm} of a whole cluster deletes its pgBackRest stanza too (Pigsty's default; false keeps the backups). */
    public static final Param<Boolean> PG_RM_BACKUP = p("pg_rm_backup", Codec.BOOL, true, Scope.CLUSTER, "remove backups when removing");

    // ---- PKI (issue 15) ----
    private static final Codec<java.time.Duration> DAYS = Codec.simple("a number of days such as 7300d",
            Params::days, d -> d.toDays() + "d");

    private static java.time.Duration days(Object raw) {
        if (raw instanceof java.time.Duration d) {
            return d;
        }
        String s = String.valueOf(raw).strip();
        if (!s.matches("[1-9][0-9]{0,5}d?")) {
            return null;
        }
        return java.time.Duration.ofDays(Long.parseLong(s.endsWith("d") ? s.substring(0, s.length() - 1) : s));
    }

    /** Common name of the deployment's CA, when the SDK creates it. */
    public static final Param<String> CA_CN = p("ca_cn", Codec.STRING, "pigsty-ca", Scope.GLOBAL, "CA common name");
    /** Lifetime of the certificates issued to nodes and services (Pigsty: 7300d). */
    public static final Param<java.time.Duration> CERT_VALIDITY = p("cert_validity", DAYS, java.time.Duration.ofDays(7300),
            Scope.INSTANCE, "lifetime of issued certificates");
    /** A certificate with fewer days left is reissued on the next apply (ours; Pigsty renews by hand). */
    public static final Param<Integer> CERT_RENEW_DAYS = p("cert_renew_days", Codec.INT, 30, Scope.INSTANCE,
            "reissue certificates with fewer days left");

    // ---- engine rules (issue 10) ----
    /**
     * Pigsty's default privileges, one {@link DefaultPrivilege} string each; Pigsty's own list when
     * unset (the renderer supplies it).
     */
    public static final Param<List<String>> PG_DEFAULT_PRIVILEGES = p("pg_default_privileges", Codec.STRING_LIST,
            null, Scope.GLOBAL, "default privileges granted to the business roles");

    /** Registers a module's own parameter ({@link Param#define}); a name is declared once. */
    static synchronized <T> Param<T> register(Param<T> param) {
        if (BY_NAME.containsKey(param.name())) {
            throw new InvalidValueException("name", param.name(), "parameter is already declared");
        }
        Map<String, Param<?>> next = new LinkedHashMap<>(BY_NAME);
        next.put(param.name(), param);
        BY_NAME = next;
        return param;
    }

    /** @return every known param, in declaration order */
    public static List<Param<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(BY_NAME.values()));
    }

    /**
     * @param name inventory key
     * @return the param, empty for unknown keys
     */
    public static Optional<Param<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
