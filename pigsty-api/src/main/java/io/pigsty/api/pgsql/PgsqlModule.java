package io.pigsty.api.pgsql;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.pgsql.internal.DatabaseSql;
import io.pigsty.api.pgsql.internal.ModelSpecs;
import io.pigsty.api.pgsql.internal.PgsqlFileSet;
import io.pigsty.api.pgsql.internal.PgsqlSteps;
import io.pigsty.api.pgsql.internal.UserSql;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Severity;
import io.pigsty.model.ValidationException;
import io.pigsty.model.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Module {@code PGSQL} (core part): HBA, the dbsu's {@code .pgpass}, roles/users, databases,
 * default privileges and PgBouncer, for the playbooks {@code pgsql}, {@code pgsql-user},
 * {@code pgsql-db} and {@code pgsql-hba}. Patroni, HAProxy and the VIP are contributed by
 * {@code pigsty-ha}.
 *
 * <p><b>pg_hba.conf decision.</b> PostgreSQL reads its HBA from {@value #HBA_FILE}: Patroni's
 * config (written by the HA module) sets {@code postgresql.parameters.hba_file} to that path
 * and carries no {@code pg_hba} list, so Patroni never rewrites it. This module owns the file:
 * it is rendered from the typed rules (role-filtered for each instance), written before
 * PostgreSQL first starts (phase {@code pg-config}) and, whenever it changes later, PostgreSQL
 * is reloaded with {@code SELECT pg_reload_conf()} if it is running. Keeping it outside
 * PGDATA also means a replica's pg_basebackup never copies the primary's rules.
 *
 * <p>SQL runs on the primary only, as the dbsu through the local socket, from files under
 * {@code /pg/tmp} (mode 0600: user files may hold passwords). Step ids (phase):
 * {@code file:/pg/conf/pg_hba.conf} (pg-config for {@code pgsql}, pg-provision for {@code pgsql-hba}),
 * {@code file:<pg_dbsu_home>/.pgpass}, {@code pgsql:user:<name>} (default roles first),
 * {@code pgsql:template:template1}, {@code pgsql:template:postgres}, {@code pgsql:db:<name>}
 * (pg-provision), {@code dir:/etc/pgbouncer}, {@code file:/etc/pgbouncer/<pgbouncer.ini|database.txt|
 * useropts.txt|userlist.txt|pgb_hba.conf>}, {@code file:/etc/systemd/system/pgbouncer.service},
 * {@code service:pgbouncer} (pgbouncer).
 */
public final class PgsqlModule implements PigstyModule {
    /** The HBA file PostgreSQL reads (Patroni: {@code postgresql.parameters.hba_file}). */
    public static final String HBA_FILE = "/pg/conf/pg_hba.conf";
    /** PgBouncer's config directory. */
    public static final String PGB_DIR = "/etc/pgbouncer";
    /** Our PgBouncer unit (Debian's own unit is disabled by NODE). */
    public static final String PGB_UNIT = "/etc/systemd/system/pgbouncer.service";

    /** Creates the module (ServiceLoader needs a public no-arg constructor). */
    public PgsqlModule() {
    }

    @Override
    public String name() {
        return "PGSQL";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        String pb = ctx.playbook().name();
        if (!List.of("pgsql", "pgsql-user", "pgsql-db", "pgsql-hba").contains(pb)) {
            return;
        }
        String clusterName = ctx.playbook().cluster().orElseThrow(() ->
                new PigstyException("playbook " + pb + " needs a cluster"));
        PgCluster cluster = ctx.inventory().requireCluster(clusterName);
        PgInstance primary = cluster.primary().orElseThrow(() ->
                new PigstyException(clusterName + ": no instance with pg_role primary"));
        switch (pb) {
            case "pgsql" -> create(ctx, plan, cluster, primary);
            case "pgsql-user" -> user(ctx, plan, cluster, primary, arg(ctx, "username"));
            case "pgsql-db" -> db(ctx, plan, cluster, primary, arg(ctx, "dbname"));
            default -> hba(ctx, plan, cluster, "pg-provision", i -> files(ctx, cluster, i));
        }
    }

    private static String arg(PlanContext ctx, String key) {
        return ctx.playbook().arg(key).filter(v -> !v.isBlank()).orElseThrow(() ->
                new PigstyException("playbook " + ctx.playbook().name() + " needs argument " + key));
    }

    private static PgsqlFileSet files(PlanContext ctx, PgCluster c, PgInstance i) {
        return new PgsqlFileSet(ModelSpecs.spec(ctx.inventory(), c, i, ctx.resolve(c, i)), (n, m) -> ctx.templates().render(n, m));
    }


    private static FileSpec file(String path, String content, String mode, String owner, boolean secret) {
        FileSpec f = new FileSpec(path, content.getBytes(StandardCharsets.UTF_8), mode, owner, owner, false);
        return secret ? f.asSecret() : f;
    }

    private void create(PlanContext ctx, PlanBuilder plan, PgCluster c, PgInstance primary) {
        requireCertificatesForTls(ctx, c);
        // one file set per member: building it resolves and renders, so it is not rebuilt per phase
        Map<Integer, PgsqlFileSet> sets = new HashMap<>();
        Function<PgInstance, PgsqlFileSet> files = i -> sets.computeIfAbsent(i.seq(), s -> files(ctx, c, i));
        hba(ctx, plan, c, "pg-config", files);
        for (PgInstance i : c.instances()) {
            PgsqlFileSet f = files.apply(i);
            String home = ctx.resolve(c, i).get(io.pigsty.model.Params.PG_DBSU_HOME);
            plan.add("pg-provision", ctx.host(c, i), Steps.file(file(home + "/.pgpass", f.pgpass(), "0600", f.spec().dbsu(), true)));
        }
        PgsqlFileSet f = files.apply(primary);
        Host h = ctx.host(c, primary);
        for (UserSql.User u : f.spec().users()) {
            plan.add("pg-provision", h, PgsqlSteps.user(f, u));
        }
        for (String db : List.of("template1", "postgres")) {
            plan.add("pg-provision", h, PgsqlSteps.template(f, db));
        }
        for (DatabaseSql.Database d : f.spec().databases()) {
            plan.add("pg-provision", h, PgsqlSteps.database(f, d));
        }
        pgbouncer(ctx, plan, c, List.of("pgbouncer.ini", "database.txt", "useropts.txt", "userlist.txt", "pgb_hba.conf"), true,
                files);
    }

    /**
     * pgbouncer.ini names {@code /pg/cert/server.crt} when {@code pgbouncer_sslmode} asks for TLS;
     * only the PKI module issues it. Without it PgBouncer would not start, and dropping TLS would
     * quietly serve in the clear what the inventory asks to encrypt: refused, at the key's path.
     */
    private static void requireCertificatesForTls(PlanContext ctx, PgCluster c) {
        String key = io.pigsty.model.Params.PGBOUNCER_SSLMODE.name();
        List<Violation> bad = new ArrayList<>();
        for (PgInstance i : c.instances()) {
            String mode = ctx.resolve(c, i).get(io.pigsty.model.Params.PGBOUNCER_SSLMODE);
            if (!"disable".equals(mode) && !ctx.hasModule("PKI")) {
                String path = c.vars().has(key) ? "all.children." + c.name() + ".vars." + key
                        : ctx.inventory().vars().has(key) ? "all.vars." + key
                        : "all.children." + c.name() + ".hosts." + i.ip() + "." + key;
                bad.add(new Violation(path, "'" + mode + "' makes PgBouncer serve TLS with "
                        + "/pg/cert/server.crt, which only the PKI module issues: register it "
                        + "(Pigsty.builder().module(new PkiModule(Pki.createOrLoad(dir, CaSpec.pigstyDefault())))) "
                        + "or set " + key + ": disable", Severity.ERROR));
            }
        }
        if (!bad.isEmpty()) {
            throw new ValidationException(bad.stream().distinct().toList());
        }
    }

    private void user(PlanContext ctx, PlanBuilder plan, PgCluster c, PgInstance primary, String name) {
        PgsqlFileSet f = files(ctx, c, primary);
        if (name.equals(f.spec().dbsu())) {
            throw new PigstyException("pgsql-user: refusing to manage the dbsu '" + name + "'");
        }
        UserSql.User u = f.spec().users().stream().filter(x -> x.name().equals(name)).reduce((a, b) -> b)
                .orElseThrow(() -> new PigstyException("pgsql-user: user '" + name + "' is not defined in pg_users of " + c.name()));
        plan.add("pg-provision", ctx.host(c, primary), PgsqlSteps.user(f, u));
        pgbouncer(ctx, plan, c, List.of("userlist.txt", "useropts.txt"), false, i -> files(ctx, c, i));
    }

    private void db(PlanContext ctx, PlanBuilder plan, PgCluster c, PgInstance primary, String name) {
        PgsqlFileSet f = files(ctx, c, primary);
        DatabaseSql.Database d = f.spec().databases().stream().filter(x -> x.name().equals(name)).reduce((a, b) -> b)
                .orElseThrow(() -> new PigstyException("pgsql-db: database '" + name + "' is not defined in pg_databases of " + c.name()));
        plan.add("pg-provision", ctx.host(c, primary), PgsqlSteps.database(f, d));
        pgbouncer(ctx, plan, c, List.of("database.txt"), false, i -> files(ctx, c, i));
    }

    private void hba(PlanContext ctx, PlanBuilder plan, PgCluster c, String phase, Function<PgInstance, PgsqlFileSet> files) {
        for (PgInstance i : c.instances()) {
            PgsqlFileSet f = files.apply(i);
            int port = f.spec().pgPort();
            // reload only a running server: in pg-config PostgreSQL has not been started yet
            Command reload = Command.shell("if [ -S " + ShellQuote.quote(f.spec().layout().pgLocalhost() + "/.s.PGSQL." + port) + " ]; then "
                    + "psql -X -q -h " + ShellQuote.quote(f.spec().layout().pgLocalhost()) + " -p " + port
                    + " -d postgres -c 'SELECT pg_reload_conf()'; fi").user(f.spec().dbsu()).build();
            plan.add(phase, ctx.host(c, i), Steps.file(file(HBA_FILE, f.pgHba(), "0640", f.spec().dbsu(), false), reload));
            if (!phase.equals("pg-config") && pgbouncerEnabled(ctx, c, i)) {
                pgbouncerFile(ctx, plan, c, i, f, "pgb_hba.conf");
            }
        }
    }

    private void pgbouncer(PlanContext ctx, PlanBuilder plan, PgCluster c, List<String> which, boolean full,
                           Function<PgInstance, PgsqlFileSet> files) {
        for (PgInstance i : c.instances()) {
            if (!pgbouncerEnabled(ctx, c, i)) {
                continue;
            }
            PgsqlFileSet f = files.apply(i);
            Host h = ctx.host(c, i);
            if (full) {
                plan.add("pgbouncer", h, Steps.directory(PGB_DIR, "0750", f.spec().dbsu(), f.spec().dbsu()));
            }
            for (String name : which) {
                pgbouncerFile(ctx, plan, c, i, f, name);
            }
            if (full) {
                plan.add("pgbouncer", h, Steps.file(file(PGB_UNIT, f.pgbouncerUnit(), "0644", "root", false),
                        Command.of("systemctl", "daemon-reload")));
                plan.add("pgbouncer", h, Steps.service("pgbouncer", true, true));
            }
        }
    }

    private static boolean pgbouncerEnabled(PlanContext ctx, PgCluster c, PgInstance i) {
        return ctx.resolve(c, i).get(io.pigsty.model.Params.PGBOUNCER_ENABLED);
    }

    private void pgbouncerFile(PlanContext ctx, PlanBuilder plan, PgCluster c, PgInstance i, PgsqlFileSet f, String name) {
        String content = switch (name) {
            case "pgbouncer.ini" -> f.pgbouncerIni();
            case "database.txt" -> f.databaseTxt();
            case "useropts.txt" -> f.useropts();
            case "userlist.txt" -> f.userlist();
            default -> f.pgbHba();
        };
        boolean secret = name.equals("userlist.txt");
        // reload when running; before the first start there is nothing to reload
        plan.add("pgbouncer", ctx.host(c, i), Steps.file(file(PGB_DIR + "/" + name, content, secret ? "0600" : "0640",
                f.spec().dbsu(), secret), Command.of("systemctl", "try-reload-or-restart", "pgbouncer")));
    }

}
