package io.pigsty.model.internal;

import io.pigsty.model.HbaRule;
import io.pigsty.model.ObjectState;
import io.pigsty.model.PgDatabase;
import io.pigsty.model.PgExtension;
import io.pigsty.model.PgService;
import io.pigsty.model.PgUser;
import io.pigsty.model.PoolMode;
import io.pigsty.model.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Raw (YAML map) to record and back for the business objects, with Pigsty's field names.
 * Writing omits fields equal to their defaults, so a re-written inventory stays close to what the
 * user wrote; unknown fields go to {@code extra} and come back out.
 */
public final class Mapping {
    private Mapping() {
    }

    private static final Codec<ObjectState> USER_STATE = Codec.word("create or absent", ObjectState.class,
            s -> ObjectState.parse(s).filter(x -> x != ObjectState.RECREATE), ObjectState::value);
    private static final Codec<ObjectState> DB_STATE = Codec.word("create, absent or recreate", ObjectState.class,
            ObjectState::parse, ObjectState::value);
    private static final Codec<PoolMode> POOL_MODE = Codec.word("session, transaction or statement", PoolMode.class,
            PoolMode::parse, PoolMode::value);
    private static final Codec<String> SCALAR_STRING = Codec.simple("a string", raw ->
            raw instanceof String || raw instanceof Number || raw instanceof Boolean ? String.valueOf(raw) : null, v -> v);

    /** Codec of one user object. */
    public static final Codec<PgUser> USER = new Codec<>() {
        @Override
        public PgUser decode(Object raw) {
            if (raw instanceof PgUser u) {
                return u;
            }
            Fields f = new Fields(raw, "a user");
            String name = f.require("name", Codec.STRING);
            PgUser.Builder b = PgUser.named(name);
            Secret pw = f.get("password", Codec.SECRET, null);
            if (pw != null) {
                b.password(pw);
            }
            b.state(f.get("state", USER_STATE, ObjectState.CREATE));
            b.login(f.get("login", Codec.BOOL, true));
            b.inherit(f.get("inherit", Codec.BOOL, true));
            b.superuser(f.get("superuser", Codec.BOOL, false));
            b.createdb(f.get("createdb", Codec.BOOL, false));
            b.createrole(f.get("createrole", Codec.BOOL, false));
            b.replication(f.get("replication", Codec.BOOL, false));
            b.bypassrls(f.get("bypassrls", Codec.BOOL, false));
            b.connlimit(f.get("connlimit", Codec.INT, -1));
            Integer ei = f.get("expire_in", Codec.INT, null);
            if (ei != null) {
                b.expireIn(ei);
            }
            String ea = f.get("expire_at", SCALAR_STRING, null);
            if (ea != null) {
                b.expireAt(ea);
            }
            String c = f.get("comment", SCALAR_STRING, null);
            if (c != null) {
                b.comment(c);
            }
            b.roles(f.get("roles", Codec.STRING_LIST, List.of()));
            f.get("parameters", Codec.STRING_MAP, Map.of()).forEach(b::parameter);
            b.pgbouncer(f.get("pgbouncer", Codec.BOOL, false));
            PoolMode pm = f.get("pool_mode", POOL_MODE, null);
            if (pm != null) {
                b.poolMode(pm);
            }
            b.poolConnlimit(f.get("pool_connlimit", Codec.INT, -1));
            f.rest().forEach(b::extra);
            return b.build();
        }

        @Override
        public Object encode(PgUser u) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", u.name());
            u.password().ifPresent(p -> m.put("password", p.reveal()));
            Fields.putIf(m, "state", u.state().value(), "create");
            Fields.putIf(m, "login", u.login(), true);
            Fields.putIf(m, "inherit", u.inherit(), true);
            Fields.putIf(m, "superuser", u.superuser(), false);
            Fields.putIf(m, "createdb", u.createdb(), false);
            Fields.putIf(m, "createrole", u.createrole(), false);
            Fields.putIf(m, "replication", u.replication(), false);
            Fields.putIf(m, "bypassrls", u.bypassrls(), false);
            Fields.putIf(m, "connlimit", u.connlimit(), -1);
            u.expireIn().ifPresent(v -> m.put("expire_in", v));
            u.expireAt().ifPresent(v -> m.put("expire_at", v));
            u.comment().ifPresent(v -> m.put("comment", v));
            Fields.putIf(m, "roles", u.roles(), List.of());
            Fields.putIf(m, "parameters", u.parameters(), Map.of());
            Fields.putIf(m, "pgbouncer", u.pgbouncer(), false);
            u.poolMode().ifPresent(v -> m.put("pool_mode", v.value()));
            Fields.putIf(m, "pool_connlimit", u.poolConnlimit(), -1);
            m.putAll(u.extra());
            return m;
        }

        @Override
        public String expected() {
            return "a user";
        }
    };

    /** Codec of one extension: a name string or {@code {name, schema, version}}. */
    public static final Codec<PgExtension> EXTENSION = new Codec<>() {
        @Override
        public PgExtension decode(Object raw) {
            if (raw instanceof PgExtension e) {
                return e;
            }
            if (raw instanceof String s) {
                return PgExtension.of(s);
            }
            Fields f = new Fields(raw, "an extension");
            return new PgExtension(f.require("name", Codec.STRING), Optional.ofNullable(f.get("schema", Codec.STRING, null)),
                    Optional.ofNullable(f.get("version", SCALAR_STRING, null)));
        }

        @Override
        public Object encode(PgExtension e) {
            if (e.schema().isEmpty() && e.version().isEmpty()) {
                return e.name();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            e.schema().ifPresent(v -> m.put("schema", v));
            e.version().ifPresent(v -> m.put("version", v));
            return m;
        }

        @Override
        public String expected() {
            return "an extension";
        }
    };

    /** Codec of one database object. */
    public static final Codec<PgDatabase> DATABASE = new Codec<>() {
        @Override
        public PgDatabase decode(Object raw) {
            if (raw instanceof PgDatabase d) {
                return d;
            }
            Fields f = new Fields(raw, "a database");
            PgDatabase.Builder b = PgDatabase.named(f.require("name", Codec.STRING));
            b.state(f.get("state", DB_STATE, ObjectState.CREATE));
            opt(f, "owner", b::owner);
            opt(f, "comment", b::comment);
            opt(f, "template", b::template);
            opt(f, "strategy", b::strategy);
            opt(f, "encoding", b::encoding);
            opt(f, "locale", b::locale);
            opt(f, "lc_collate", b::lcCollate);
            opt(f, "lc_ctype", b::lcCtype);
            opt(f, "tablespace", b::tablespace);
            b.isTemplate(f.get("is_template", Codec.BOOL, false));
            b.allowconn(f.get("allowconn", Codec.BOOL, true));
            b.revokeconn(f.get("revokeconn", Codec.BOOL, false));
            b.connlimit(f.get("connlimit", Codec.INT, -1));
            opt(f, "baseline", b::baseline);
            b.schemas(f.get("schemas", Codec.STRING_LIST, List.of()).toArray(String[]::new));
            f.get("extensions", Codec.listOf(EXTENSION), List.of()).forEach(b::extension);
            f.get("parameters", Codec.STRING_MAP, Map.of()).forEach(b::parameter);
            b.pgbouncer(f.get("pgbouncer", Codec.BOOL, true));
            PoolMode pm = f.get("pool_mode", POOL_MODE, null);
            if (pm != null) {
                b.poolMode(pm);
            }
            b.poolSize(f.get("pool_size", Codec.INT, 64));
            b.poolReserve(f.get("pool_reserve", Codec.INT, f.get("pool_size_reserve", Codec.INT, 32)));
            b.poolSizeMin(f.get("pool_size_min", Codec.INT, 0));
            b.poolConnlimit(f.get("pool_connlimit", Codec.INT, f.get("pool_max_db_conn", Codec.INT, 100)));
            opt(f, "pool_auth_user", b::poolAuthUser);
            b.registerDatasource(f.get("register_datasource", Codec.BOOL, true));
            f.rest().forEach(b::extra);
            return b.build();
        }

        @Override
        public Object encode(PgDatabase d) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            Fields.putIf(m, "state", d.state().value(), "create");
            d.owner().ifPresent(v -> m.put("owner", v));
            d.comment().ifPresent(v -> m.put("comment", v));
            d.template().ifPresent(v -> m.put("template", v));
            d.strategy().ifPresent(v -> m.put("strategy", v));
            d.encoding().ifPresent(v -> m.put("encoding", v));
            d.locale().ifPresent(v -> m.put("locale", v));
            d.lcCollate().ifPresent(v -> m.put("lc_collate", v));
            d.lcCtype().ifPresent(v -> m.put("lc_ctype", v));
            d.tablespace().ifPresent(v -> m.put("tablespace", v));
            Fields.putIf(m, "is_template", d.isTemplate(), false);
            Fields.putIf(m, "allowconn", d.allowconn(), true);
            Fields.putIf(m, "revokeconn", d.revokeconn(), false);
            Fields.putIf(m, "connlimit", d.connlimit(), -1);
            d.baseline().ifPresent(v -> m.put("baseline", v));
            Fields.putIf(m, "schemas", d.schemas(), List.of());
            if (!d.extensions().isEmpty()) {
                m.put("extensions", Codec.listOf(EXTENSION).encode(d.extensions()));
            }
            Fields.putIf(m, "parameters", d.parameters(), Map.of());
            Fields.putIf(m, "pgbouncer", d.pgbouncer(), true);
            d.poolMode().ifPresent(v -> m.put("pool_mode", v.value()));
            Fields.putIf(m, "pool_size", d.poolSize(), 64);
            Fields.putIf(m, "pool_reserve", d.poolReserve(), 32);
            Fields.putIf(m, "pool_size_min", d.poolSizeMin(), 0);
            Fields.putIf(m, "pool_connlimit", d.poolConnlimit(), 100);
            d.poolAuthUser().ifPresent(v -> m.put("pool_auth_user", v));
            Fields.putIf(m, "register_datasource", d.registerDatasource(), true);
            m.putAll(d.extra());
            return m;
        }

        @Override
        public String expected() {
            return "a database";
        }
    };

    /** Codec of one service object. */
    public static final Codec<PgService> SERVICE = new Codec<>() {
        @Override
        public PgService decode(Object raw) {
            if (raw instanceof PgService s) {
                return s;
            }
            Fields f = new Fields(raw, "a service");
            PgService.Builder b = PgService.named(f.require("name", Codec.STRING), f.require("port", Codec.INT));
            b.ip(f.get("ip", Codec.STRING, "*"));
            b.selector(f.get("selector", Codec.STRING, "[]"));
            String backup = f.get("backup", Codec.STRING, null);
            if (backup != null) {
                b.backup(backup);
            }
            b.dest(f.get("dest", SCALAR_STRING, "default"));
            b.check(f.get("check", Codec.STRING, "/"));
            b.maxconn(f.get("maxconn", Codec.INT, 5000));
            b.balance(f.get("balance", Codec.STRING, "roundrobin"));
            String options = f.get("options", Codec.STRING, null);
            if (options != null) {
                b.options(options);
            }
            f.rest().forEach(b::extra);
            return b.build();
        }

        @Override
        public Object encode(PgService s) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("port", s.port());
            Fields.putIf(m, "ip", s.ip(), "*");
            m.put("selector", s.selector());
            s.backup().ifPresent(v -> m.put("backup", v));
            Fields.putIf(m, "dest", s.dest(), "default");
            Fields.putIf(m, "check", s.check(), "/");
            Fields.putIf(m, "maxconn", s.maxconn(), 5000);
            Fields.putIf(m, "balance", s.balance(), "roundrobin");
            s.options().ifPresent(v -> m.put("options", v));
            m.putAll(s.extra());
            return m;
        }

        @Override
        public String expected() {
            return "a service";
        }
    };

    /** Codec of one HBA rule object. */
    public static final Codec<HbaRule> HBA_RULE = new Codec<>() {
        @Override
        public HbaRule decode(Object raw) {
            if (raw instanceof HbaRule r) {
                return r;
            }
            Fields f = new Fields(raw, "an HBA rule");
            HbaRule.Builder b = HbaRule.builder();
            b.user(f.get("user", SCALAR_STRING, "all"));
            b.db(f.get("db", SCALAR_STRING, "all"));
            String addr = f.get("addr", SCALAR_STRING, null);
            if (addr != null) {
                b.addr(addr);
            }
            b.auth(f.get("auth", Codec.STRING, "pwd"));
            String title = f.get("title", SCALAR_STRING, null);
            if (title != null) {
                b.title(title);
            }
            b.role(f.get("role", Codec.STRING, "common"));
            b.order(f.get("order", Codec.INT, 1000));
            b.rules(f.get("rules", Codec.STRING_LIST, List.of()).toArray(String[]::new));
            if (addr == null && !f.has("rules")) {
                throw new ConversionException(".addr", "an HBA rule needs addr or rules");
            }
            f.rest().forEach(b::extra);
            return b.build();
        }

        @Override
        public Object encode(HbaRule r) {
            Map<String, Object> m = new LinkedHashMap<>();
            Fields.putIf(m, "user", r.user(), "all");
            Fields.putIf(m, "db", r.db(), "all");
            r.addr().ifPresent(v -> m.put("addr", v));
            Fields.putIf(m, "auth", r.auth(), "pwd");
            r.title().ifPresent(v -> m.put("title", v));
            Fields.putIf(m, "role", r.role(), "common");
            Fields.putIf(m, "order", r.order(), 1000);
            if (!r.rules().isEmpty()) {
                m.put("rules", new ArrayList<>(r.rules()));
            }
            m.putAll(r.extra());
            return m;
        }

        @Override
        public String expected() {
            return "an HBA rule";
        }
    };

    private static void opt(Fields f, String key, java.util.function.Consumer<String> setter) {
        String v = f.get(key, SCALAR_STRING, null);
        if (v != null) {
            setter.accept(v);
        }
    }
}
