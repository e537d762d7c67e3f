package io.pigsty.model.internal;

import io.pigsty.model.Defaults;
import io.pigsty.model.HbaRule;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.ObjectState;
import io.pigsty.model.Param;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgDatabase;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgService;
import io.pigsty.model.PgUser;
import io.pigsty.model.Resolved;
import io.pigsty.model.Role;
import io.pigsty.model.Secret;
import io.pigsty.model.Severity;
import io.pigsty.model.ValidationResult;
import io.pigsty.model.Vars;
import io.pigsty.model.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every rule an inventory must satisfy, collected in one pass: types first (a value of the wrong
 * type is reported and then ignored by the later rules), then identity, then business objects.
 */
public final class Validator {
    static final Pattern CLUSTER_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    static final Pattern DB_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    static final Set<String> ADDR_ALIASES = Set.of("local", "localhost", "admin", "infra", "cluster", "intra",
            "intranet", "world", "all");
    // "default" is an old spelling of common that Pigsty inventories still carry
    static final Set<String> HBA_ROLES = Set.of("common", "default", "primary", "replica", "offline", "standby", "delayed");
    static final Set<String> BUILTIN_ROLES = Set.of("pg_monitor", "pg_read_all_data", "pg_write_all_data",
            "pg_read_all_settings", "pg_read_all_stats", "pg_stat_scan_tables", "pg_signal_backend", "pg_checkpoint",
            "pg_read_server_files", "pg_write_server_files", "pg_execute_server_program", "pg_database_owner",
            "public");
    private static final String SANDBOX_PREFIX = "10.213.0.";

    private final Inventory inv;
    private final List<Violation> out = new ArrayList<>();
    private final Set<String> badKeys = new HashSet<>(); // path.key whose type is wrong
    private final Findings findings = new Findings(out);

    private Validator(Inventory inv) {
        this.inv = inv;
    }

    /**
     * @param inv inventory
     * @return every finding
     */
    public static ValidationResult validate(Inventory inv) {
        Validator v = new Validator(inv);
        v.run();
        return new ValidationResult(v.out);
    }

    private void error(String path, String reason) {
        out.add(new Violation(path, reason, Severity.ERROR));
    }

    private void warn(String path, String reason) {
        out.add(new Violation(path, reason, Severity.WARNING));
    }

    private void run() {
        for (Map.Entry<String, Vars> level : InventoryCodec.levels(inv)) {
            checkTypes(level.getKey(), level.getValue());
        }
        InventoryCodec.levels(inv).forEach(level -> new NodeRules(findings, badKeys).check(level.getKey(), level.getValue()));
        new HaRules(findings).check(inv);
        checkNodeGroup(inv.infra().orElse(null), Params.INFRA_SEQ);
        checkNodeGroup(inv.etcd().orElse(null), Params.ETCD_SEQ);
        inv.nodeGroups().forEach(g -> g.nodes().forEach(n -> checkIp("all.children." + g.name() + ".hosts." + n.ip(), n.ip())));
        Map<String, String> ipOwner = new HashMap<>();
        for (PgCluster c : inv.clusters()) {
            checkCluster(c, ipOwner);
        }
        if (inv.clusters().isEmpty() && inv.infra().isEmpty() && inv.etcd().isEmpty() && inv.nodeGroups().isEmpty()) {
            error("all.children", "no group defined: an inventory needs at least one cluster or node group");
        }
        checkDefaultPasswords();
        new EtcdRules(findings, this::wellTyped, this::where).check(inv, sandbox());
        new ModuleRules(findings, this::where).check(inv, badKeys.isEmpty());
        out.addAll(VersionRules.check(inv, this::wellTyped));
        out.addAll(ExtensionRules.check(inv, this::wellTyped));
        MonitorRules.check(inv, out);
        HostnameRules.check(inv, out);
        TlsRules.check(inv, out);
    }

    // no type error at or under this path, nor in the globals: resolved values can be read
    private boolean wellTyped(String path) {
        return badKeys.stream().noneMatch(k -> k.startsWith(path + ".") || k.startsWith("all.vars."));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void checkTypes(String path, Vars vars) {
        String base = path.endsWith(".vars") ? path : path;
        for (String key : vars.keys()) {
            Optional<Param<?>> p = Params.byName(key);
            if (p.isEmpty()) {
                continue;
            }
            try {
                ((Param) p.get()).decode(vars.raw(key).orElseThrow());
            } catch (ConversionException e) {
                badKeys.add(base + "." + key);
                error(base + "." + key + e.subPath(), e.getMessage());
            }
        }
    }

    private boolean ok(String path, String key) {
        return !badKeys.contains(path + "." + key);
    }

    private void checkIp(String path, String ip) {
        if (!IPV4.matcher(ip).matches()) {
            error(path, "invalid IPv4 address '" + ip + "'");
        }
    }

    private void checkNodeGroup(NodeGroup g, Param<Integer> seqParam) {
        if (g == null) {
            return;
        }
        Map<Integer, String> seen = new HashMap<>();
        for (Node n : g.nodes()) {
            String path = "all.children." + g.name() + ".hosts." + n.ip();
            checkIp(path, n.ip());
            if (!ok(path, seqParam.name())) {
                continue;
            }
            Optional<Integer> seq = n.vars().get(seqParam);
            if (seq.isEmpty()) {
                error(path + "." + seqParam.name(), "missing: every " + g.name() + " host needs " + seqParam.name());
            } else if (seq.get() < 0) {
                error(path + "." + seqParam.name(), "must be >= 0, got " + seq.get());
            } else if (seen.containsKey(seq.get())) {
                error(path + "." + seqParam.name(), "duplicate seq " + seq.get() + " (also on " + seen.get(seq.get()) + ")");
            } else {
                seen.put(seq.get(), n.ip());
            }
        }
    }

    private void checkCluster(PgCluster c, Map<String, String> ipOwner) {
        String cp = "all.children." + c.name();
        if (!CLUSTER_NAME.matcher(c.name()).matches() || c.name().equals("root")) {
            error(cp + ".vars.pg_cluster", "invalid cluster name '" + c.name()
                    + "': must match [a-z][a-z0-9-]* and not be 'root'");
        }
        c.vars().raw("pg_cluster").ifPresent(v -> error(cp + ".vars.pg_cluster",
                "pg_cluster '" + v + "' differs from the group name '" + c.name() + "'"));
        if (c.instances().isEmpty()) {
            error(cp + ".hosts", "cluster has no instance");
        }
        Map<Integer, String> seqs = new HashMap<>();
        List<String> leaders = new ArrayList<>();
        for (PgInstance i : c.instances()) {
            String hp = cp + ".hosts." + i.ip();
            checkIp(hp, i.ip());
            String other = ipOwner.putIfAbsent(i.ip(), c.name());
            if (other != null && !other.equals(c.name())) {
                error(hp, "host " + i.ip() + " is already a member of cluster " + other + " (same port space)");
            }
            boolean identityOk = true;
            if (i.vars().has("pg_seq") || i.vars().has("pg_role")) {
                Object seqRaw = i.vars().raw("pg_seq").orElse(null);
                Object roleRaw = i.vars().raw("pg_role").orElse(null);
                if (seqRaw == null) {
                    error(hp + ".pg_seq", "missing: every member needs pg_seq");
                } else if (ok(hp, "pg_seq") && !(seqRaw instanceof Number)) {
                    error(hp + ".pg_seq", "expected an integer, got " + Codec.describe(seqRaw));
                }
                if (roleRaw == null) {
                    error(hp + ".pg_role", "missing: every member needs pg_role");
                } else if (ok(hp, "pg_role") && Role.parse(String.valueOf(roleRaw)).isEmpty()) {
                    error(hp + ".pg_role", "unknown role " + Codec.describe(roleRaw)
                            + " (expected primary, replica, offline, standby or delayed)");
                }
                identityOk = false;
            }
            if (i.seq() < 0 && identityOk) {
                error(hp + ".pg_seq", "must be >= 0, got " + i.seq());
            } else if (i.seq() >= 0) {
                String prev = seqs.putIfAbsent(i.seq(), i.ip());
                if (prev != null) {
                    error(hp + ".pg_seq", "duplicate seq " + i.seq() + " (also on " + prev + ")");
                }
            }
            if (identityOk && (i.role() == Role.PRIMARY || i.role() == Role.STANDBY || i.role() == Role.DELAYED)) {
                leaders.add(i.ip());
                if (leaders.size() > 1) {
                    error(hp + ".pg_role", "more than one primary in " + c.name() + " (also " + leaders.get(0) + ")");
                }
            }
            if (ok(hp, "pg_weight")) {
                i.vars().get(Params.PG_WEIGHT).filter(w -> w < 0 || w > 255)
                        .ifPresent(w -> error(hp + ".pg_weight", "must be 0-255, got " + w));
            }
            if (ok(hp, "pg_upstream")) {
                i.vars().get(Params.PG_UPSTREAM).filter(u -> !IPV4.matcher(u).matches())
                        .ifPresent(u -> error(hp + ".pg_upstream", "invalid IPv4 address '" + u + "'"));
            }
        }
        if (leaders.isEmpty() && !c.instances().isEmpty()
                && c.instances().stream().noneMatch(i -> i.vars().has("pg_role"))) {
            error(cp + ".hosts", "no primary: exactly one instance must have pg_role primary");
        }
        if (badKeys.stream().anyMatch(k -> k.startsWith(cp + ".") || k.startsWith("all.vars."))) {
            return; // business checks need well-typed vars
        }
        Resolved r;
        try {
            r = inv.resolve(c);
        } catch (RuntimeException e) {
            return;
        }
        checkHa(cp, c, r);
        checkUsers(cp, c, r);
        checkDatabases(cp, c, r);
        checkServices(cp, c, r);
        new PgsqlRules(findings, this::where).check(c, r);
        BackupRules.check(inv, c, r, out);
    }

    String where(PgCluster c, String key) {
        String cp = "all.children." + c.name() + ".vars";
        if (c.vars().has(key)) {
            return cp + "." + key;
        }
        return inv.vars().has(key) ? "all.vars." + key : cp + "." + key;
    }

    private void checkHa(String cp, PgCluster c, Resolved r) {
        long rpo = r.get(Params.PG_RPO);
        if (rpo < 0) {
            error(where(c, "pg_rpo"), "must be >= 0 bytes, got " + rpo);
        }
        if (r.get(Params.PG_VIP_ENABLED)) {
            String vip = r.get(Params.PG_VIP_ADDRESS);
            if (!isCidr(vip)) {
                error(where(c, "pg_vip_address"), "invalid VIP '" + vip + "': expected <ipv4>/<mask> such as 10.10.10.3/24");
            } else if (c.instances().stream().anyMatch(i -> vip.startsWith(i.ip() + "/"))) {
                error(where(c, "pg_vip_address"), "VIP " + vip + " is the address of a member");
            }
        }
        double ratio = r.get(Params.PG_SHARED_BUFFER_RATIO);
        if (ratio < 0.1 || ratio > 0.4) {
            error(where(c, "pg_shared_buffer_ratio"), "must be between 0.1 and 0.4, got " + ratio);
        }
        int maxConn = r.get(Params.PG_MAX_CONN);
        if (maxConn != 0 && maxConn < 20) {
            error(where(c, "pg_max_conn"), "must be 0 (auto) or >= 20, got " + maxConn);
        }
        String dest = r.get(Params.PG_DEFAULT_SERVICE_DEST);
        if (!dest.equals("pgbouncer") && !dest.equals("postgres")) {
            error(where(c, "pg_default_service_dest"), "must be pgbouncer or postgres, got '" + dest + "'");
        }
        String enc = r.get(Params.PG_PWD_ENC);
        if (!enc.equals("scram-sha-256") && !enc.equals("md5")) {
            error(where(c, "pg_pwd_enc"), "must be scram-sha-256 or md5, got '" + enc + "'");
        }
    }

    private Set<String> knownRoles(PgCluster c, Resolved r) {
        Set<String> known = new HashSet<>(BUILTIN_ROLES);
        r.get(Params.PG_DEFAULT_ROLES).forEach(u -> known.add(u.name()));
        r.get(Params.PG_USERS).forEach(u -> known.add(u.name()));
        known.add(r.get(Params.PG_DBSU));
        known.add(r.get(Params.PG_ADMIN_USERNAME));
        known.add(r.get(Params.PG_MONITOR_USERNAME));
        known.add(r.get(Params.PG_REPLICATION_USERNAME));
        return known;
    }

    private void checkUsers(String cp, PgCluster c, Resolved r) {
        Set<String> known = knownRoles(c, r);
        checkUserList(c, "pg_default_roles", r.get(Params.PG_DEFAULT_ROLES), known);
        checkUserList(c, "pg_users", r.get(Params.PG_USERS), known);
    }

    private void checkUserList(PgCluster c, String key, List<PgUser> users, Set<String> known) {
        String base = where(c, key);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            PgUser u = users.get(i);
            String p = base + "[" + i + "]";
            if (!USER_NAME.matcher(u.name()).matches() || u.name().getBytes(StandardCharsets.UTF_8).length > 63) {
                error(p + ".name", "invalid user name '" + u.name() + "': must match [a-z_][a-z0-9_]{0,62}");
            }
            Integer prev = seen.putIfAbsent(u.name(), i);
            if (prev != null) {
                error(p + ".name", "duplicate user " + u.name() + " (also " + key + "[" + prev + "])");
            }
            if (u.state() == ObjectState.ABSENT && Defaults.SYSTEM_USERS.contains(u.name())) {
                error(p + ".state", "system user " + u.name() + " cannot be dropped");
            }
            for (int j = 0; j < u.roles().size(); j++) {
                String role = u.roles().get(j);
                if (!known.contains(role)) {
                    error(p + ".roles[" + j + "]", "unknown role '" + role + "': not a default role, a user of "
                            + c.name() + " or a built-in role");
                }
                if (role.equals(u.name())) {
                    error(p + ".roles[" + j + "]", "user " + u.name() + " cannot be granted to itself");
                }
            }
            if (u.connlimit() < -1) {
                error(p + ".connlimit", "must be >= -1, got " + u.connlimit());
            }
            u.expireAt().filter(d -> !d.matches("\\d{4}-\\d{2}-\\d{2}"))
                    .ifPresent(d -> error(p + ".expire_at", "expected YYYY-MM-DD, got '" + d + "'"));
        }
    }

    private void checkDatabases(String cp, PgCluster c, Resolved r) {
        Set<String> known = knownRoles(c, r);
        List<PgDatabase> dbs = r.get(Params.PG_DATABASES);
        String base = where(c, "pg_databases");
        Map<String, Integer> seen = new HashMap<>();
        Set<String> names = new HashSet<>(List.of("template0", "template1", "postgres"));
        for (int i = 0; i < dbs.size(); i++) {
            PgDatabase d = dbs.get(i);
            String p = base + "[" + i + "]";
            if (!DB_NAME.matcher(d.name()).matches() || d.name().getBytes(StandardCharsets.UTF_8).length > 63) {
                error(p + ".name", "invalid database name '" + d.name() + "': must match [A-Za-z_][A-Za-z0-9_$]{0,62}");
            }
            Integer prev = seen.putIfAbsent(d.name(), i);
            if (prev != null) {
                error(p + ".name", "duplicate database " + d.name() + " (also pg_databases[" + prev + "])");
            }
            d.owner().filter(o -> !known.contains(o))
                    .ifPresent(o -> error(p + ".owner", "unknown owner '" + o + "': not a user of " + c.name()));
            d.template().filter(t -> !names.contains(t))
                    .ifPresent(t -> error(p + ".template", "unknown template database '" + t
                            + "': must be template0, template1 or a database defined earlier"));
            d.strategy().filter(s -> !s.equalsIgnoreCase("FILE_COPY") && !s.equalsIgnoreCase("WAL_LOG"))
                    .ifPresent(s -> error(p + ".strategy", "must be FILE_COPY or WAL_LOG, got '" + s + "'"));
            if (d.poolSize() < 1) {
                error(p + ".pool_size", "must be >= 1, got " + d.poolSize());
            }
            for (int j = 0; j < d.schemas().size(); j++) {
                if (!DB_NAME.matcher(d.schemas().get(j)).matches()) {
                    error(p + ".schemas[" + j + "]", "invalid schema name '" + d.schemas().get(j) + "'");
                }
            }
            names.add(d.name());
        }
    }

    private void checkServices(String cp, PgCluster c, Resolved r) {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(r.get(Params.PG_PORT), "pg_port");
        ports.put(r.get(Params.PGBOUNCER_PORT), "pgbouncer_port");
        ports.put(r.get(Params.PATRONI_PORT), "patroni_port");
        ports.put(r.get(Params.HAPROXY_EXPORTER_PORT), "haproxy_exporter_port");
        Set<String> names = new HashSet<>();
        for (String key : List.of("pg_default_services", "pg_services")) {
            List<PgService> list = key.equals("pg_services") ? r.get(Params.PG_SERVICES) : r.get(Params.PG_DEFAULT_SERVICES);
            String base = where(c, key);
            for (int i = 0; i < list.size(); i++) {
                PgService s = list.get(i);
                String p = base + "[" + i + "]";
                if (!SERVICE_NAME.matcher(s.name()).matches()) {
                    error(p + ".name", "invalid service name '" + s.name() + "': must match [a-z][a-z0-9-]*");
                } else if (!names.add(s.name())) {
                    error(p + ".name", "duplicate service " + s.name());
                }
                if (s.port() < 1 || s.port() > 65535) {
                    error(p + ".port", "must be 1-65535, got " + s.port());
                } else {
                    String prev = ports.putIfAbsent(s.port(), "service " + s.name());
                    if (prev != null) {
                        error(p + ".port", "port " + s.port() + " already used by " + prev);
                    }
                }
                String dest = s.dest();
                if (!dest.equals("default") && !dest.equals("postgres") && !dest.equals("pgbouncer")
                        && !(dest.matches("\\d{1,5}") && Integer.parseInt(dest) >= 1 && Integer.parseInt(dest) <= 65535)) {
                    error(p + ".dest", "must be default, postgres, pgbouncer or a port number, got '" + dest + "'");
                }
                if (!s.check().startsWith("/")) {
                    error(p + ".check", "must be a Patroni REST path such as /primary, got '" + s.check() + "'");
                }
                if (!s.balance().equals("roundrobin") && !s.balance().equals("leastconn")) {
                    error(p + ".balance", "must be roundrobin or leastconn, got '" + s.balance() + "'");
                }
                if (s.maxconn() < 1) {
                    error(p + ".maxconn", "must be >= 1, got " + s.maxconn());
                }
                if (!s.ip().equals("*") && !IPV4.matcher(s.ip()).matches()) {
                    error(p + ".ip", "must be * or an IPv4 address, got '" + s.ip() + "'");
                }
                if (s.selector().isBlank()) {
                    error(p + ".selector", "is empty: use [] to select every member");
                }
            }
        }
    }

    static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        String mask = s.substring(slash + 1);
        return IPV4.matcher(ip).matches() && mask.matches("\\d{1,2}") && Integer.parseInt(mask) <= 32;
    }

    // every host on the sandbox bridge: Pigsty's default passwords are fine there
    private boolean sandbox() {
        List<String> hosts = inv.hosts();
        return !hosts.isEmpty() && hosts.stream().allMatch(h -> h.startsWith(SANDBOX_PREFIX));
    }

    private void checkDefaultPasswords() {
        if (sandbox() || badKeys.stream().anyMatch(k -> k.startsWith("all.vars."))) {
            return;
        }
        Resolved g = inv.resolveGlobal();
        Map<Param<Secret>, String> defaults = new LinkedHashMap<>();
        defaults.put(Params.PG_ADMIN_PASSWORD, "admin user " + g.get(Params.PG_ADMIN_USERNAME));
        defaults.put(Params.PG_MONITOR_PASSWORD, "monitor user " + g.get(Params.PG_MONITOR_USERNAME));
        defaults.put(Params.PG_REPLICATION_PASSWORD, "replication user " + g.get(Params.PG_REPLICATION_USERNAME));
        defaults.put(Params.PATRONI_PASSWORD, "Patroni REST user " + g.get(Params.PATRONI_USERNAME));
        defaults.put(Params.HAPROXY_ADMIN_PASSWORD, "HAProxy admin " + g.get(Params.HAPROXY_ADMIN_USERNAME));
        defaults.forEach((p, who) -> {
            if (g.get(p).equals(p.defaultValue().orElseThrow())) {
                warn("all.vars." + p.name(), "keeps Pigsty's default password for the " + who
                        + " outside the sandbox: set your own or use Inventory.withGeneratedPasswords()");
            }
        });
    }
}
