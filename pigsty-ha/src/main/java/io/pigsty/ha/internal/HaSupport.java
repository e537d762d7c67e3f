package io.pigsty.ha.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPath;
import io.burt.jmespath.jackson.JacksonRuntime;
import io.pigsty.api.exec.Command;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.ha.PgTuningCalculator;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Node;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgService;
import io.pigsty.model.PgTuning;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import io.pigsty.model.RtoPlan;
import io.pigsty.model.Secret;
import io.pigsty.model.internal.Derived;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Data models of the HA templates, computed from the inventory in one place. */
public final class HaSupport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JmesPath<JsonNode> JMES = new JacksonRuntime();
    /** GUCs Patroni requires in the DCS (bootstrap.dcs), not in the local file. */
    static final Set<String> DCS_ONLY = Set.of("max_connections", "max_locks_per_transaction", "max_worker_processes",
            "max_prepared_transactions", "wal_level", "track_commit_timestamp", "max_wal_senders",
            "max_replication_slots", "wal_keep_size", "wal_log_hints");

    private HaSupport() {
    }

    /**
     * Pigsty's rule for Patroni's {@code synchronous_mode}: no loss allowed, or the crit tuning.
     *
     * @param rpo    pg_rpo in bytes
     * @param tuning pg_conf
     * @return whether only a synchronous standby may be promoted
     */
    public static boolean synchronousMode(long rpo, PgTuning tuning) {
        return rpo == 0 || tuning == PgTuning.CRIT;
    }

    /**
     * Patroni's {@code maximum_lag_on_failover} for a {@code pg_rpo}. With {@code pg_rpo: 0} the
     * synchronous standby is the only candidate and holds every acknowledged commit; a zero lag
     * bound would compare it with the primary's last sampled position and could block every
     * failover (seen on the sandbox: a crashed primary was never replaced), so the default 1 MiB stays.
     *
     * @param rpo pg_rpo in bytes
     * @return the lag bound in bytes
     */
    public static long maxLagOnFailover(long rpo) {
        return rpo == 0 ? 1048576L : rpo;
    }

    /**
     * Pigsty's {@code max_locks_per_transaction} per template: max_connections (OLAP twice that),
     * doubled when timescaledb or citus is preloaded (their chunks and shards take many locks).
     *
     * @param tuning   the template
     * @param maxConn  max_connections
     * @param pgLibs   {@code pg_libs}
     * @return the setting, at least PostgreSQL's default 64
     */
    public static int maxLocks(PgTuning tuning, int maxConn, String pgLibs) {
        int base = tuning == PgTuning.OLAP ? 2 * maxConn : maxConn;
        boolean heavy = pgLibs.contains("timescaledb") || pgLibs.contains("citus");
        return Math.max(64, heavy ? 2 * base : base);
    }

    /**
     * @param inv inventory
     * @return etcd members as (seq, ip), in seq order
     * @throws IllegalStateException when the inventory has no etcd group (validation refuses such an
     *         inventory when it has a PG cluster, so this is a bug)
     */
    public static List<Map.Entry<Integer, String>> etcdMembers(Inventory inv) {
        var g = inv.etcd().orElseThrow(() -> new IllegalStateException(
                "bug: an inventory without an etcd group reached planning; Inventory.validate() refuses it"));
        List<Map.Entry<Integer, String>> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            out.add(Map.entry(n.vars().get(Params.ETCD_SEQ).orElseThrow(), n.ip()));
        }
        out.sort(Map.Entry.comparingByKey());
        return out;
    }

    /**
     * @param inv inventory
     * @return the etcd client URLs ({@code http://ip:etcd_port}), in seq order: the members Patroni is given
     */
    public static List<String> etcdEndpoints(Inventory inv) {
        return etcdEndpoints(inv, false);
    }

    /** Where the PKI module puts an etcd member's certificate, key and the CA. */
    public static final String ETCD_CERT_DIR = "/etc/etcd";

    /**
     * @param inv inventory
     * @param tls etcd serves TLS (the PKI module is registered)
     * @return the etcd client URLs, {@code https://} with TLS, in seq order
     */
    public static List<String> etcdEndpoints(Inventory inv, boolean tls) {
        String scheme = tls ? "https://" : "http://";
        return java.util.Arrays.stream(etcdHosts(inv).split(",")).map(h -> scheme + h).collect(Collectors.toList());
    }

    /**
     * etcdctl's options for a PG member: the endpoints and, with TLS, the CA the PKI module put in
     * {@code /pg/cert} and the member's etcd client certificate, which etcd demands of every client.
     *
     * @param inv inventory
     * @param tls etcd serves TLS
     * @return {@code --endpoints=... [--cacert=/pg/cert/ca.crt --cert=/pg/cert/etcd.crt --key=/pg/cert/etcd.key]}
     */
    public static String etcdctlOptions(Inventory inv, boolean tls) {
        return "--endpoints=" + String.join(",", etcdEndpoints(inv, tls)) + (tls ? " --cacert=" + PG_CERT_DIR + "/ca.crt --cert="
                + ETCD_CLIENT_CERT + " --key=" + ETCD_CLIENT_KEY : "");
    }

    /**
     * curl's TLS options on an etcd member for its own client port: the CA, and the member's
     * certificate as the client certificate etcd demands ({@code client-cert-auth}).
     *
     * @return {@code --cacert /etc/etcd/ca.crt --cert /etc/etcd/server.crt --key /etc/etcd/server.key}
     */
    public static String etcdMemberCurlTls() {
        return "--cacert " + ETCD_CERT_DIR + "/ca.crt --cert " + ETCD_CERT_DIR + "/server.crt --key " + ETCD_CERT_DIR + "/server.key";
    }

    /**
     * @param inv inventory
     * @return {@code ip:2379,...} of every etcd member
     */
    public static String etcdHosts(Inventory inv) {
        List<Map.Entry<Integer, String>> members = etcdMembers(inv); // first: it names the missing group
        var g = inv.etcd().orElseThrow();
        return members.stream().map(e -> e.getValue() + ":"
                + inv.resolveNode(g, g.node(e.getValue()).orElseThrow()).get(Params.ETCD_PORT))
                .collect(Collectors.joining(","));
    }

    /**
     * Facts win, except that sizes set explicitly in the inventory cap them (the sandbox's nodes
     * all see the whole machine).
     */
    private static long fact(Resolved r, String key, long gathered) {
        return r.raw(key).map(v -> ((Number) v).longValue()).orElse(gathered);
    }

    /**
     * @param inv   inventory
     * @param c     cluster
     * @param i     instance
     * @param facts the host's facts
     * @return the patroni.yml data model
     */
    public static Map<String, Object> patroni(Inventory inv, PgCluster c, PgInstance i, HostFacts facts) {
        return patroni(inv, c, i, facts, false);
    }

    /** Where the PKI module puts the member's certificate, key and the CA (Pigsty's {@code pg_cert}). */
    public static final String PG_CERT_DIR = "/pg/cert";

    /**
     * @param r the member's resolved parameters
     * @return Patroni's REST API serves HTTPS with the member's certificate ({@code patroni_ssl_enabled})
     */
    public static boolean patroniSsl(Resolved r) {
        return r.get(Params.PATRONI_SSL_ENABLED);
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @param i   member
     * @return the member's REST base URL, {@code https://ip:8008} when {@code patroni_ssl_enabled}
     */
    public static String patroniUrl(Inventory inv, PgCluster c, PgInstance i) {
        Resolved r = inv.resolve(c, i);
        return (patroniSsl(r) ? "https://" : "http://") + i.ip() + ":" + r.get(Params.PATRONI_PORT);
    }

    /**
     * The curl that probes a member's REST API from a PG node: quiet, failing on an HTTP error,
     * two seconds at most, and with HTTPS verifying the member's certificate against the CA in
     * {@code /pg/cert} (a probe that skipped verification would call an impostor healthy).
     *
     * @param r the member's resolved parameters
     * @return {@code curl -sf -o /dev/null -m 2[ --cacert /pg/cert/ca.crt]}
     */
    public static String patroniCurl(Resolved r) {
        return String.join(" ", patroniCurlArgs(r));
    }

    /**
     * @param r   the member's resolved parameters
     * @param url what to ask ({@link #patroniUrl} plus a health path)
     * @return {@link #patroniCurlArgs(Resolved)} on {@code url}, bounded by 10 s
     */
    public static Command patroniProbe(Resolved r, String url) {
        List<String> a = new ArrayList<>(patroniCurlArgs(r));
        a.add(url);
        return Command.argv(a).timeout(java.time.Duration.ofSeconds(10)).build();
    }

    /**
     * @param r the member's resolved parameters
     * @return {@link #patroniCurl(Resolved)} as an argument vector
     */
    public static List<String> patroniCurlArgs(Resolved r) {
        List<String> a = new ArrayList<>(List.of("curl", "-sf", "-o", "/dev/null", "-m", "2"));
        if (patroniSsl(r)) {
            a.add("--cacert");
            a.add(PG_CERT_DIR + "/ca.crt");
        }
        return List.copyOf(a);
    }

    /**
     * A PG member's etcd client certificate (the PKI module issues it without a CN: etcd refuses a
     * client certificate with one on its JSON gateway, which Patroni speaks, once RBAC is on).
     */
    public static final String ETCD_CLIENT_CERT = PG_CERT_DIR + "/etcd.crt";
    /** Its key, the dbsu's. */
    public static final String ETCD_CLIENT_KEY = PG_CERT_DIR + "/etcd.key";

    /**
     * PostgreSQL's TLS parameters for the certificate the PKI module issues to every member.
     *
     * @return ssl, ssl_cert_file, ssl_key_file, ssl_ca_file, in that order
     */
    public static Map<String, String> pgSslParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ssl", "on");
        m.put("ssl_cert_file", PG_CERT_DIR + "/server.crt");
        m.put("ssl_key_file", PG_CERT_DIR + "/server.key");
        m.put("ssl_ca_file", PG_CERT_DIR + "/ca.crt");
        return m;
    }

    /**
     * @param inv   inventory
     * @param c     cluster
     * @param i     instance
     * @param facts the host's facts
     * @param tls   the PKI module issues the member's certificate: PostgreSQL serves TLS with it
     * @return the patroni.yml data model
     */
    public static Map<String, Object> patroni(Inventory inv, PgCluster c, PgInstance i, HostFacts facts, boolean tls) {
        Resolved r = inv.resolve(c, i);
        PgTuning tuning = r.get(Params.PG_CONF);
        int cpu = (int) fact(r, "node_cpu", facts.cpuCount());
        long mem = fact(r, "node_mem_mb", facts.memoryMb());
        long disk = fact(r, "node_disk_gb", facts.diskGb());
        PgTuningCalculator.Tuned t = PgTuningCalculator.compute(tuning, cpu, mem, disk, r.get(Params.PG_SHARED_BUFFER_RATIO),
                r.get(Params.PG_MAX_CONN), r.get(Params.PG_DEFAULT_SERVICE_DEST));
        long rpo = r.get(Params.PG_RPO);
        RtoPlan rto = r.get(Params.PG_RTO).plan();

        Map<String, String> dcs = new LinkedHashMap<>();
        dcs.put("max_connections", Integer.toString(t.maxConnections()));
        dcs.put("max_locks_per_transaction", Integer.toString(maxLocks(tuning, t.maxConnections(), r.get(Params.PG_LIBS))));
        dcs.put("max_worker_processes", Integer.toString(t.maxWorkerProcesses()));
        dcs.put("max_prepared_transactions", "0");
        dcs.put("wal_level", "logical");
        dcs.put("track_commit_timestamp", "on");
        dcs.put("max_wal_senders", "50");
        dcs.put("max_replication_slots", "50");
        dcs.put("wal_keep_size", "100MB");
        dcs.put("wal_log_hints", "on");
        dcs.put("hot_standby", "on");
        dcs.put("password_encryption", r.get(Params.PG_PWD_ENC));

        Map<String, String> local = new LinkedHashMap<>();
        local.put("hba_file", "/pg/conf/pg_hba.conf");
        local.put("unix_socket_directories", r.get(Params.PG_LOCALHOST));
        local.put("shared_preload_libraries", r.get(Params.PG_LIBS).replace(" ", ""));
        local.putAll(t.parameters());
        local.put("wal_compression", "lz4");
        local.put("checkpoint_timeout", "15min");
        local.put("huge_pages", "try");
        local.put("logging_collector", "on");
        local.put("log_directory", "/pg/log/postgres");
        local.put("log_filename", "postgresql-%a.log");
        local.put("log_truncate_on_rotation", "on");
        local.put("log_checkpoints", "on");
        local.put("log_lock_waits", "on");
        local.put("track_io_timing", "on");
        local.put("track_functions", "all");
        local.put("pg_stat_statements.max", "5000");
        local.put("pg_stat_statements.track", "all");
        if (tuning == PgTuning.CRIT) {
            local.put("log_connections", "on");
            local.put("log_disconnections", "on");
        }
        if (tls) {
            // hostssl and cert HBA rules mean something only when the server speaks TLS
            local.putAll(pgSslParameters());
        }
        // BACKUP: WAL goes to the cluster's stanza (Pigsty's archive settings; pg_parameters may still override)
        boolean backrest = r.get(Params.PGBACKREST_ENABLED);
        if (backrest) {
            local.put("archive_mode", "on");
            local.put("archive_timeout", "300");
            local.put("archive_command", io.pigsty.ha.backup.Backup.archiveCommand(c.name()));
        }
        r.get(Params.PG_PARAMETERS).forEach((k, v) -> {
            if (DCS_ONLY.contains(k)) {
                dcs.put(k, v);
            } else {
                local.put(k, v);
            }
        });

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cls", c.name());
        m.put("ins", Names.instance(c.name(), i.seq()));
        m.put("ip", i.ip());
        m.put("tuning", tuning.templateName());
        m.put("rto_mode", r.get(Params.PG_RTO).value());
        m.put("rto", Map.of("ttl", rto.ttl(), "loop_wait", rto.loopWait(), "retry_timeout", rto.retryTimeout(),
                "primary_start_timeout", rto.primaryStartTimeout()));
        m.put("rpo", rpo);
        m.put("max_lag_on_failover", maxLagOnFailover(rpo));
        m.put("synchronous_mode", synchronousMode(rpo, tuning));
        m.put("synchronous_mode_strict", tuning == PgTuning.CRIT);
        m.put("namespace", r.get(Params.PG_NAMESPACE).replaceAll("/+$", ""));
        m.put("patroni_port", r.get(Params.PATRONI_PORT));
        m.put("patroni_ssl", patroniSsl(r));
        m.put("cert_dir", PG_CERT_DIR);
        m.put("patroni_username", r.get(Params.PATRONI_USERNAME));
        m.put("patroni_password", yamlQuoted(r.get(Params.PATRONI_PASSWORD)));
        m.put("etcd_hosts", etcdHosts(inv));
        m.put("etcd_tls", tls);
        m.put("etcd_cacert", PG_CERT_DIR + "/ca.crt");
        // etcd demands a client certificate of the CA; through its JSON gateway one without a CN
        m.put("etcd_cert", ETCD_CLIENT_CERT);
        m.put("etcd_key", ETCD_CLIENT_KEY);
        // the cluster's etcd user (Pigsty: pg_cluster and pg_etcd_password, the name when empty)
        m.put("etcd_auth", EtcdAuth.enabled(inv));
        m.put("etcd_username", EtcdAuth.user(c));
        m.put("etcd_password", yamlQuoted(EtcdAuth.password(inv, c)));
        m.put("dcs_parameters", dcs);
        m.put("local_parameters", local);
        m.put("encoding", r.get(Params.PG_ENCODING));
        m.put("locale", r.get(Params.PG_LOCALE));
        m.put("checksum", r.get(Params.PG_CHECKSUM));
        m.put("listen", io.pigsty.model.PgLayout.listen(r, i.ip()));
        m.put("pg_port", r.get(Params.PG_PORT));
        m.put("pg_data", r.get(Params.PG_DATA));
        m.put("pg_bin_dir", r.get(Params.PG_BIN_DIR));
        m.put("dbsu", r.get(Params.PG_DBSU));
        m.put("dbsu_home", r.get(Params.PG_DBSU_HOME));
        m.put("dbsu_password", yamlQuoted(r.get(Params.PG_DBSU_PASSWORD)));
        m.put("repl_username", r.get(Params.PG_REPLICATION_USERNAME));
        m.put("repl_password", yamlQuoted(r.get(Params.PG_REPLICATION_PASSWORD)));
        m.put("admin_username", r.get(Params.PG_ADMIN_USERNAME));
        m.put("admin_password", yamlQuoted(r.get(Params.PG_ADMIN_PASSWORD)));
        m.put("upstream", r.find(Params.PG_UPSTREAM).orElse(""));
        m.put("pgbackrest", io.pigsty.ha.backup.internal.PatroniBackup.model(inv, c, i));
        return m;
    }

    /** Single-quoted YAML scalars double their quotes; nothing else needs escaping there. */
    private static String yamlQuoted(Secret s) {
        return s.reveal().replace("'", "''");
    }

    /**
     * One HAProxy server line.
     *
     * @param name   instance name
     * @param ip     address
     * @param weight pg_weight
     * @param backup a backup server
     */
    public record Server(String name, String ip, int weight, boolean backup) {
        /** @return name, for Freemarker */
        public String getName() {
            return name;
        }

        /** @return ip, for Freemarker */
        public String getIp() {
            return ip;
        }

        /** @return weight, for Freemarker */
        public int getWeight() {
            return weight;
        }

        /** @return backup, for Freemarker */
        public boolean isBackup() {
            return backup;
        }
    }

    /**
     * Evaluates a service's JMESPath selector and backup over the members' effective vars, the way
     * Pigsty does: the expression receives the list of member var maps and returns the chosen ones.
     *
     * @param inv inventory
     * @param c   cluster
     * @param s   service
     * @return servers in member order; members chosen by {@code backup} are backups, whatever the selector says
     */
    public static List<Server> servers(Inventory inv, PgCluster c, PgService s) {
        return servers(inv, c, s, members(inv, c));
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @return the members' effective vars as JMESPath sees them (secrets masked), to evaluate
     *         several services' selectors over with {@link #servers(Inventory, PgCluster, PgService, ArrayNode)}
     */
    public static ArrayNode members(Inventory inv, PgCluster c) {
        return members(inv, c, null);
    }

    /**
     * @param inv   inventory
     * @param c     cluster
     * @param exprs the only selector and backup expressions that will be evaluated over the result
     * @return {@link #members(Inventory, PgCluster)} with only the vars these expressions can read (and
     *         {@code pg_instance}, by which their results are read): the same selections, without
     *         converting every member's few hundred vars for expressions that read one or two
     */
    public static ArrayNode members(Inventory inv, PgCluster c, java.util.Collection<String> exprs) {
        java.util.Optional<Set<String>> keys = exprs == null ? java.util.Optional.empty() : referencedKeys(exprs);
        ArrayNode members = JSON.createArrayNode();
        for (PgInstance i : c.instances()) {
            Resolved r = inv.resolve(c, i);
            Map<String, Object> all = keys.isEmpty() ? r.asMap() : r.asMap(keys.get()::contains);
            // sized once: growing a map of a few hundred vars rehashed it several times per member
            ObjectNode vars = new ObjectNode(JsonNodeFactory.instance, new LinkedHashMap<>(all.size() * 4 / 3 + 1));
            members.add(vars);
            all.forEach((k, v) -> vars.set(k, v instanceof Secret ? TextNode.valueOf("******") : tree(v)));
        }
        return members;
    }

    /** An unquoted JMESPath identifier (or any word of a literal, which only adds a key). */
    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A function call: its arguments can read every key ({@code keys(@)}, {@code length(@)}). */
    private static final java.util.regex.Pattern CALL = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\s*\\(");

    /**
     * @param exprs JMESPath expressions over the members
     * @return every top-level key the expressions can read, over-approximated by every word in them, plus
     *         {@code pg_instance}; empty (every key) when one of them can read keys it does not name: the
     *         current node {@code @}, a wildcard, a function call (the only place of expression references), or a quoted
     *         identifier or escape, whose extent a word scan cannot be sure of
     */
    static java.util.Optional<Set<String>> referencedKeys(java.util.Collection<String> exprs) {
        Set<String> keys = new java.util.HashSet<>();
        keys.add("pg_instance");
        for (String e : exprs) {
            if (e.indexOf('@') >= 0 || e.indexOf('*') >= 0 || e.indexOf('\\') >= 0 || e.indexOf('"') >= 0
                    || CALL.matcher(e).find()) {
                return java.util.Optional.empty();
            }
            java.util.regex.Matcher m = WORD.matcher(e);
            while (m.find()) {
                keys.add(m.group());
            }
        }
        return java.util.Optional.of(keys);
    }

    /**
     * @param v a raw or encoded value
     * @return the node {@code ObjectMapper.valueToTree} gives for it; plain YAML values directly, since
     *         serialising every member's few hundred vars through a token buffer was a fifth of planning
     */
    static JsonNode tree(Object v) {
        if (v == null) {
            return NullNode.getInstance();
        }
        if (v instanceof String s) {
            return TextNode.valueOf(s);
        }
        if (v instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        if (v instanceof Integer n) {
            return IntNode.valueOf(n);
        }
        if (v instanceof Long n) {
            return LongNode.valueOf(n);
        }
        if (v instanceof Double n) {
            return DoubleNode.valueOf(n);
        }
        if (v instanceof List<?> l) {
            ArrayNode a = JSON.createArrayNode();
            l.forEach(x -> a.add(tree(x)));
            return a;
        }
        if (v instanceof Map<?, ?> m && stringKeys(m)) {
            ObjectNode o = JSON.createObjectNode();
            m.forEach((k, x) -> o.set((String) k, tree(x)));
            return o;
        }
        return JSON.valueToTree(v);
    }

    private static boolean stringKeys(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param inv     inventory
     * @param c       cluster
     * @param s       service
     * @param members from {@link #members(Inventory, PgCluster)}
     * @return servers in member order, as {@link #servers(Inventory, PgCluster, PgService)}
     */
    public static List<Server> servers(Inventory inv, PgCluster c, PgService s, ArrayNode members) {
        return servers(inv, c, s, () -> members);
    }

    /**
     * @param inv     inventory
     * @param c       cluster
     * @param s       service
     * @param members from {@link #members(Inventory, PgCluster)}, asked for only when validation did not
     *                already select from them with the same expression
     * @return servers in member order, as {@link #servers(Inventory, PgCluster, PgService)}
     */
    public static List<Server> servers(Inventory inv, PgCluster c, PgService s, java.util.function.Supplier<ArrayNode> members) {
        Set<String> selected = selected(inv, c, s.selector(), () -> select(s.selector(), members.get(), c, s, "selector"));
        Set<String> backups = s.backup().map(b -> selected(inv, c, b, () -> select(b, members.get(), c, s, "backup")))
                .orElse(Set.of());
        List<Server> out = new ArrayList<>();
        for (PgInstance i : c.instances()) {
            String ins = Names.instance(c.name(), i.seq());
            int weight = inv.resolve(c, i).get(Params.PG_WEIGHT);
            // like Pigsty's template: a member chosen by backup is a backup even when the selector chose it too
            // (the replica service selects every member and keeps the primary as its backup)
            if (backups.contains(ins)) {
                out.add(new Server(ins, i.ip(), weight, true));
            } else if (selected.contains(ins)) {
                out.add(new Server(ins, i.ip(), weight, false));
            }
        }
        return out;
    }

    /** Compiled selectors: every cluster of an inventory uses the same few; compiled expressions are immutable. */
    private static final Map<String, Expression<JsonNode>> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Expression<JsonNode> compiled(String expr) {
        Expression<JsonNode> e = COMPILED.get(expr);
        if (e == null) {
            e = JMES.compile(lenientLiterals(expr));
            if (COMPILED.size() < 1000) { // bounded: selectors come from inventories
                COMPILED.put(expr, e);
            }
        }
        return e;
    }

    private static Set<String> select(String expr, ArrayNode members, PgCluster c, PgService s, String field) {
        JsonNode result;
        try {
            Expression<JsonNode> e = compiled(expr);
            result = e.search(members);
        } catch (RuntimeException e) {
            // HaInventoryRules reports a bad selector during Inventory.validate(): reaching here is a bug
            throw new IllegalStateException("bug: unvalidated " + field + " of " + c.name() + " service " + s.name()
                    + " reached the renderer: " + e.getMessage(), e);
        }
        return names(result);
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @param expr a selector or backup expression of one of its services
     * @return why the expression cannot select members of this cluster, empty when it can
     */
    public static java.util.Optional<String> selectorProblem(Inventory inv, PgCluster c, String expr) {
        return selectorProblem(() -> members(inv, c), expr);
    }

    /**
     * @param members the cluster's members, from {@link #members(Inventory, PgCluster)} (asked for once the
     *                expression compiles)
     * @param expr    a selector or backup expression of one of its services
     * @return why the expression cannot select members of this cluster, empty when it can
     */
    public static java.util.Optional<String> selectorProblem(java.util.function.Supplier<ArrayNode> members, String expr) {
        try {
            compiled(expr).search(members.get());
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of("invalid JMESPath '" + expr + "': " + e.getMessage());
        }
    }

    /**
     * As {@link #selectorProblem(java.util.function.Supplier, String)}, keeping what a valid expression
     * selects for the plans of this inventory: validation evaluates every selector of every cluster, and
     * planning a cluster evaluated them again over members built again.
     *
     * @param inv     inventory
     * @param c       one of its clusters
     * @param members the cluster's members, from {@link #members(Inventory, PgCluster)}
     * @param expr    a selector or backup expression of one of its services
     * @return why the expression cannot select members of this cluster, empty when it can
     */
    public static java.util.Optional<String> selectorProblem(Inventory inv, PgCluster c, java.util.function.Supplier<ArrayNode> members,
                                                             String expr) {
        JsonNode result;
        try {
            result = compiled(expr).search(members.get());
        } catch (RuntimeException e) {
            return java.util.Optional.of("invalid JMESPath '" + expr + "': " + e.getMessage());
        }
        selections(inv).putIfAbsent(new Selection(c, expr), names(result));
        return java.util.Optional.empty();
    }

    /** What each (cluster, expression) of an inventory selects, found when it was validated. */
    private static final Derived.Key<Map<Selection, Set<String>>> SELECTIONS = Derived.Key.named("selections");

    /** A cluster (by identity: the inventory's own object) and an expression. */
    private record Selection(PgCluster cluster, String expr) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Selection s && s.cluster == cluster && s.expr.equals(expr);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(cluster) + expr.hashCode();
        }
    }

    private static Map<Selection, Set<String>> selections(Inventory inv) {
        return Derived.get(inv, SELECTIONS, i -> new java.util.concurrent.ConcurrentHashMap<>());
    }

    private static Set<String> selected(Inventory inv, PgCluster c, String expr, java.util.function.Supplier<Set<String>> compute) {
        Set<String> known = selections(inv).get(new Selection(c, expr));
        return known != null ? known : compute.get();
    }

    private static Set<String> names(JsonNode result) {
        Set<String> names = new LinkedHashSet<>();
        if (result != null && result.isArray()) {
            result.forEach(n -> names.add(n.path("pg_instance").asText()));
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    /**
     * Pigsty's selectors are evaluated by Python's jmespath, which reads a backtick literal that is
     * not JSON (such as {@code `primary`}) as a string, a leniency the specification deprecates.
     * Java's implementation is strict, so such literals are turned into the JSON strings they mean.
     *
     * @param expr a JMESPath expression
     * @return the same expression with every non-JSON literal quoted
     */
    public static String lenientLiterals(String expr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([^`]*)`").matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String body = m.group(1);
            String lit;
            try {
                JSON.readTree(body);
                lit = body.isBlank() ? JSON.valueToTree(body).toString() : body;
            } catch (java.io.IOException notJson) {
                lit = JSON.valueToTree(body.strip()).toString();
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("`" + lit + "`"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @param s   service
     * @return the destination port of a service: pgbouncer, postgres, or a number
     */
    public static int destPort(Inventory inv, PgCluster c, PgService s) {
        Resolved r = inv.resolve(c);
        String dest = s.dest().equals("default") ? r.get(Params.PG_DEFAULT_SERVICE_DEST) : s.dest();
        return switch (dest) {
            case "postgres" -> r.get(Params.PG_PORT);
            case "pgbouncer" -> r.get(Params.PGBOUNCER_PORT);
            default -> Integer.parseInt(dest);
        };
    }

    /**
     * @param cluster cluster name
     * @return a VRRP router id 1-254 derived from the name (stable, so every member agrees)
     */
    public static int vrid(String cluster) {
        return Math.floorMod(cluster.hashCode(), 254) + 1;
    }

    /**
     * The one live-cluster guard of destructive playbooks (pgsql-rm, pgsql-pitr): check and apply
     * curl each Patroni URL; any that answers makes check report a refusal and apply throw.
     *
     * @param id the step id, e.g. {@code pgsql-rm:live-guard}
     * @param description what the step refuses, in the playbook's words
     * @param urls the Patroni URLs that must not answer ({@code /health}, {@code /primary})
     * @param curl the probe's curl, {@link #patroniCurlArgs(Resolved)} (its CA option is ignored by {@code http} URLs)
     * @param refusal the apply error's message, given the URLs that answered
     * @return the step
     */
    public static Step liveGuard(String id, String description, List<String> urls, List<String> curl,
            Function<List<String>, String> refusal) {
        return new LiveGuard(id, description, urls, curl, refusal);
    }

    private record LiveGuard(String id, String description, List<String> urls, List<String> curl,
            Function<List<String>, String> refusal) implements Step {
        LiveGuard {
            urls = List.copyOf(urls);
            curl = List.copyOf(curl);
        }

        private Command probe(String url) {
            List<String> a = new ArrayList<>(curl);
            a.add(url);
            return Command.argv(a).timeout(java.time.Duration.ofSeconds(10)).build();
        }

        @Override
        public Rendered render() {
            return new Rendered(List.of(), urls.stream().map(this::probe).toList(), List.of("fails when any of these answers"));
        }

        private List<String> live(StepContext ctx) {
            return urls.stream().filter(u -> ctx.run(probe(u)).ok()).toList();
        }

        @Override
        public Check check(StepContext ctx) {
            List<String> l = live(ctx);
            return l.isEmpty() ? Check.ok() : Check.change("refuse: live members " + l);
        }

        @Override
        public Outcome apply(StepContext ctx) {
            List<String> l = live(ctx);
            if (!l.isEmpty()) {
                throw new PigstyException(refusal.apply(l));
            }
            return Outcome.OK;
        }

        @Override
        public String toString() {
            return "LiveGuard[" + id + " " + urls + "]";
        }
    }
}
