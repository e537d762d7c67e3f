package io.pigsty.api.pgsql.internal;

import io.pigsty.model.HbaRule;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Node;
import io.pigsty.model.ObjectState;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgDatabase;
import io.pigsty.model.PgExtension;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgUser;
import io.pigsty.model.PoolMode;
import io.pigsty.model.Resolved;
import io.pigsty.model.Secret;
import io.pigsty.model.internal.Derived;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flattens the model ({@link Inventory}, cluster, instance, {@link Resolved} vars) into the
 * {@link PgsqlFileSet.Spec} the PGSQL-core files are rendered from. The only class here that
 * reads the model, so template data never depends on the model's internals.
 */
public final class ModelSpecs {
    private ModelSpecs() {
    }

    /**
     * @param inv      the inventory
     * @param cluster  the cluster
     * @param instance the instance
     * @param vars     {@code inv.resolve(cluster, instance)}
     * @return the spec
     */
    public static PgsqlFileSet.Spec spec(Inventory inv, PgCluster cluster, PgInstance instance, Resolved vars) {
        String dbsu = vars.get(Params.PG_DBSU);
        String repl = vars.get(Params.PG_REPLICATION_USERNAME);
        String monitor = vars.get(Params.PG_MONITOR_USERNAME);
        String admin = vars.get(Params.PG_ADMIN_USERNAME);
        List<Pgpass.Credential> creds = List.of(
                new Pgpass.Credential(admin, vars.get(Params.PG_ADMIN_PASSWORD)),
                new Pgpass.Credential(monitor, vars.get(Params.PG_MONITOR_PASSWORD)),
                new Pgpass.Credential(repl, vars.get(Params.PG_REPLICATION_PASSWORD)));
        List<String> infra = inv.infra().map(g -> g.nodes().stream().map(Node::ip).toList()).orElse(List.of());
        List<String> members = cluster.instances().stream().map(PgInstance::ip).toList();
        List<HbaRules.Rule> hba = new ArrayList<>();
        vars.get(Params.PG_DEFAULT_HBA_RULES).forEach(r -> hba.add(rule(r)));
        vars.get(Params.PG_HBA_RULES).forEach(r -> hba.add(rule(r)));
        List<HbaRules.Rule> pgbHba = new ArrayList<>();
        vars.get(Params.PGB_DEFAULT_HBA_RULES).forEach(r -> pgbHba.add(rule(r)));
        vars.get(Params.PGB_HBA_RULES).forEach(r -> pgbHba.add(rule(r)));
        List<PgUser> allUsers = new ArrayList<>(vars.get(Params.PG_DEFAULT_ROLES));
        allUsers.addAll(vars.get(Params.PG_USERS));
        List<UserSql.User> users = new ArrayList<>();
        List<PgbouncerConfigs.User> pgbUsers = new ArrayList<>();
        for (PgUser u : allUsers) {
            // PostgreSQL and PgBouncer get the same verifier, never the plain text (see Scram.stored)
            String enc = String.valueOf(vars.get(Params.PG_PWD_ENC));
            Optional<Secret> pwd = password(u, vars, admin, monitor, repl)
                    .map(p -> Secret.of(stored(inv, u.name(), p.reveal(), enc)));
            users.add(new UserSql.User(u.name(), pwd, u.state() == ObjectState.ABSENT, u.login(), u.inherit(),
                    u.superuser(), u.createdb(), u.createrole(), u.replication(), u.bypassrls(), u.connlimit(),
                    u.expireIn(), u.expireAt(), u.effectiveComment(), u.roles(),
                    u.parameters()));
            pgbUsers.add(new PgbouncerConfigs.User(u.name(), pwd, u.pgbouncer(), u.state() == ObjectState.ABSENT,
                    u.poolMode().map(PoolMode::value), u.poolConnlimit()));
        }
        List<DatabaseSql.Database> dbs = new ArrayList<>();
        List<PgbouncerConfigs.Db> pgbDbs = new ArrayList<>();
        for (PgDatabase d : vars.get(Params.PG_DATABASES)) {
            dbs.add(database(d, dbsu));
            pgbDbs.add(new PgbouncerConfigs.Db(d.name(), d.state() == ObjectState.ABSENT, d.pgbouncer(),
                    d.poolMode().map(PoolMode::value), d.poolSize(), d.poolSizeMin(),
                    d.poolReserve(), d.poolConnlimit(), d.poolAuthUser()));
        }
        List<DatabaseSql.Extension> exts = vars.get(Params.PG_DEFAULT_EXTENSIONS).stream().map(ModelSpecs::extension).toList();
        String listen = listen(vars.get(Params.PG_LISTEN), instance.ip(), vars);
        return new PgsqlFileSet.Spec(Names.instance(cluster.name(), instance.seq()), instance.role().value(),
                vars.get(Params.PG_OFFLINE_QUERY), vars.get(Params.PG_PORT), dbsu, repl, monitor, admin, creds,
                vars.get(Params.ADMIN_IP), infra, members, vars.get(Params.NODE_FIREWALL_INTRANET),
                String.valueOf(vars.get(Params.PG_PWD_ENC)), hba, pgbHba, users, pgbUsers, dbs, pgbDbs,
                privileges(vars), vars.get(Params.PG_DEFAULT_SCHEMAS), exts,
                vars.get(Params.PGBOUNCER_PORT), listen, vars.get(Params.PGBOUNCER_POOLMODE).value(),
                vars.get(Params.PGBOUNCER_SSLMODE), vars.get(Params.PGBOUNCER_IGNORE_PARAM),
                vars.get(Params.PGBOUNCER_AUTH_QUERY), layout(vars));
    }

    /*
     * The SCRAM verifiers of an inventory, by a SHA-256 digest of role and password, kept as long as the
     * inventory is: deriving one is two 4096-round PBKDF2s, and every member of every cluster asks for each
     * of its roles, mostly the same default roles with the same passwords. A verifier depends only on
     * (role, password), so sharing it changes no plan. The key is a digest, not the pair, so that no plain
     * password is kept in a String beyond the inventory's own Secret.
     */
    private static final Derived.Key<Map<String, String>> VERIFIERS = Derived.Key.named("SCRAM verifiers");

    private static String stored(Inventory inv, String user, String password, String enc) {
        if ("md5".equalsIgnoreCase(enc) || password.startsWith("SCRAM-SHA-256$")) {
            return Scram.stored(user, password, enc);
        }
        return Derived.get(inv, VERIFIERS, i -> new java.util.concurrent.ConcurrentHashMap<>())
                .computeIfAbsent(digest(user, password), k -> Scram.stored(user, password, enc));
    }

    private static String digest(String user, String password) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(user.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            // a separator no role name holds, so (ab, c) and (a, bc) differ
            md.update((byte) 0);
            md.update(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Pigsty's {@code pg_default_privileges} (reference 1.4) when the inventory sets none
     * ({@link Params#PG_DEFAULT_PRIVILEGES}).
     */
    public static final List<String> DEFAULT_PRIVILEGES = List.of(
            "GRANT USAGE ON SCHEMAS TO dbrole_readonly",
            "GRANT SELECT ON TABLES TO dbrole_readonly",
            "GRANT SELECT ON SEQUENCES TO dbrole_readonly",
            "GRANT EXECUTE ON FUNCTIONS TO dbrole_readonly",
            "GRANT USAGE ON SCHEMAS TO dbrole_offline",
            "GRANT SELECT ON TABLES TO dbrole_offline",
            "GRANT SELECT ON SEQUENCES TO dbrole_offline",
            "GRANT EXECUTE ON FUNCTIONS TO dbrole_offline",
            "GRANT INSERT ON TABLES TO dbrole_readwrite",
            "GRANT UPDATE ON TABLES TO dbrole_readwrite",
            "GRANT DELETE ON TABLES TO dbrole_readwrite",
            "GRANT USAGE ON SEQUENCES TO dbrole_readwrite",
            "GRANT UPDATE ON SEQUENCES TO dbrole_readwrite",
            "GRANT TRUNCATE ON TABLES TO dbrole_admin",
            "GRANT REFERENCES ON TABLES TO dbrole_admin",
            "GRANT TRIGGER ON TABLES TO dbrole_admin",
            "GRANT CREATE ON SCHEMAS TO dbrole_admin");

    static List<String> privileges(Resolved vars) {
        return vars.find(Params.PG_DEFAULT_PRIVILEGES).orElse(DEFAULT_PRIVILEGES);
    }

    /** The default credentials live in their own params (reference 1.15); a role's own password wins. */
    private static Optional<Secret> password(PgUser u, Resolved vars, String admin, String monitor, String repl) {
        if (u.password().isPresent()) {
            return u.password();
        }
        if (u.name().equals(admin)) {
            return Optional.of(vars.get(Params.PG_ADMIN_PASSWORD));
        }
        if (u.name().equals(monitor)) {
            return Optional.of(vars.get(Params.PG_MONITOR_PASSWORD));
        }
        if (u.name().equals(repl)) {
            return Optional.of(vars.get(Params.PG_REPLICATION_PASSWORD));
        }
        return Optional.empty();
    }

    private static String listen(String pgListen, String ip, Resolved vars) {
        if (pgListen.equals("0.0.0.0") || pgListen.equals("*")) {
            return "*";
        }
        return io.pigsty.model.PgLayout.listen(vars, ip);
    }

    /** The standard layout with the inventory's socket directory and PgBouncer log dir. */
    private static PgsqlFileSet.Layout layout(Resolved vars) {
        PgsqlFileSet.Layout l = PgsqlFileSet.Layout.standard();
        return new PgsqlFileSet.Layout(l.pgbConfDir(), l.pgbSocketDir(), l.pgbPidFile(), vars.get(Params.PGBOUNCER_LOG_DIR),
                vars.get(Params.PG_LOCALHOST), l.hbaPath(), l.tmpDir());
    }

    static HbaRules.Rule rule(HbaRule r) {
        return new HbaRules.Rule(r.user(), r.db(), r.addr(), r.auth(), r.title(), r.role(), r.order(), r.rules());
    }

    static DatabaseSql.Extension extension(PgExtension x) {
        return new DatabaseSql.Extension(x.name(), x.schema(), x.version());
    }

    static DatabaseSql.Database database(PgDatabase d, String dbsu) {
        return new DatabaseSql.Database(d.name(), d.state().value(), d.owner().orElse(dbsu),
                d.effectiveComment(), d.template(), d.strategy(), d.encoding(),
                d.locale(), d.lcCollate(), d.lcCtype(), d.tablespace(), d.isTemplate(), d.allowconn(), d.revokeconn(),
                d.connlimit(), d.schemas(), d.extensions().stream().map(ModelSpecs::extension).toList(), d.parameters());
    }
}
