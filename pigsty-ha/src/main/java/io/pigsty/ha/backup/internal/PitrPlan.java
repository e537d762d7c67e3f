package io.pigsty.ha.backup.internal;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.api.step.Steps;
import io.pigsty.ha.backup.Backup;
import io.pigsty.ha.backup.BackupInfo;
import io.pigsty.ha.internal.HaSupport;
import io.pigsty.model.BackupRepo;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.PitrTarget;
import io.pigsty.model.Resolved;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The plan of {@code pgsql-pitr} (Pigsty's {@code down}, {@code pitr}, {@code up}): preflight
 * (safeguard, live guard, recoverable window), pause Patroni, stop every member, restore the primary
 * and promote it on a new timeline, wipe the cluster's DCS state, start Patroni on the primary,
 * resume, reinitialise the replicas, {@code pgbackrest check}.
 */
public final class PitrPlan {
    /** Phases, in order (after the fixed ones). */
    public static final List<String> PHASES = List.of("pitr-down", "pitr-restore", "pitr-up", "pitr-replicas", "pitr-verify");

    private PitrPlan() {
    }

    /**
     * @param ctx  plan context
     * @param plan where steps go
     * @param inv  inventory
     * @param c    the cluster
     */
    public static void contribute(PlanContext ctx, PlanBuilder plan, Inventory inv, PgCluster c) {
        Resolved cr = inv.resolve(c);
        if (cr.get(Params.PG_SAFEGUARD)) {
            throw new PigstyException("pg_safeguard is set for " + c.name() + ": pgsql-pitr refuses to overwrite it");
        }
        PitrTarget target = target(ctx, cr, c);
        PgInstance primary = c.primary().orElseThrow(() -> new PigstyException(c.name() + " has no primary in the inventory"));
        Host ph = ctx.host(c, primary);
        Resolved pr = inv.resolve(c, primary);
        String dbsu = pr.get(Params.PG_DBSU);
        String data = pr.get(Params.PG_DATA);
        String bin = pr.get(Params.PG_BIN_DIR);
        String stanza = Backup.stanza(target.sourceCluster().orElse(c.name()));
        boolean allowLive = ctx.playbook().arg("allow_live").map(Boolean::parseBoolean).orElse(false);
        List<String> health = c.instances().stream().map(i -> HaSupport.patroniUrl(inv, c, i) + "/health")
                .collect(Collectors.toList());
        List<String> curl = HaSupport.patroniCurlArgs(cr);
        if (!allowLive) {
            plan.add("preflight", ph, HaSupport.liveGuard("pgsql-pitr:live-guard",
                    "refuse to overwrite " + c.name() + " while any member is running (Playbook.allowLive() overrides)", health, curl,
                    l -> "refusing point-in-time recovery of live cluster " + c.name() + ": " + l
                            + " answer; it overwrites the cluster's data: use Playbook.pgsqlPitr(...).allowLive()"));
        }
        BackupRepo repo = Backup.repo(cr);
        Optional<String> central = Backup.repoHost(inv, c);
        Optional<String> archiveDir = repo.offHost() && central.isEmpty() ? Optional.empty()
                : repo.path().map(p -> p + "/archive/" + stanza);
        Optional<Host> archiveHost = central.map(ip -> new Host(ip, "infra@" + ip));
        String psql = "psql -X -A -t -h " + q(pr.get(Params.PG_LOCALHOST)) + " -p " + pr.get(Params.PG_PORT) + " -d postgres -c ";
        plan.add("preflight", ph, new WindowGuard(stanza, target, dbsu, psql, archiveDir, archiveHost));

        // down: pause (no failover while members stop), replicas first, the primary last
        String patronictl = "patronictl -c /etc/patroni/patroni.yml";
        plan.add("pitr-down", ph, Steps.command("pitr:pause", "pause Patroni of " + c.name(),
                Command.shell("! systemctl is-active --quiet patroni || " + patronictl + " show-config 2>/dev/null | grep -q '^pause: true'").build(),
                Command.shell(patronictl + " pause --wait " + q(c.name()) + " || true").timeout(Duration.ofMinutes(2)).build()));
        List<PgInstance> order = new ArrayList<>(c.replicas());
        order.add(primary);
        for (PgInstance i : order) {
            Resolved r = inv.resolve(c, i);
            plan.add("pitr-down", ctx.host(c, i), Steps.command("pitr:stop", "stop Patroni and PostgreSQL on " + ctx.host(c, i).name(),
                    Command.shell("! systemctl is-active --quiet patroni && ! pgrep -x postgres >/dev/null").build(),
                    Command.shell("systemctl stop patroni; runuser -u " + q(dbsu) + " -- " + r.get(Params.PG_BIN_DIR) + "/pg_ctl -D "
                            + q(r.get(Params.PG_DATA)) + " stop -m fast -w -t 120 2>/dev/null; "
                            // the logger and the last children outlive the postmaster by a moment on a loaded host
                            + "for n in $(seq 1 100); do pgrep -x postgres >/dev/null || exit 0; sleep 0.2; done; "
                            + "echo 'postgres processes still running 20 s after pg_ctl stop' >&2; exit 1")
                            .timeout(Duration.ofMinutes(3)).build()));
        }

        // pitr: restore on the primary, recover to the target, promote on a new timeline
        String restore = Backup.BIN + " --stanza=" + q(stanza) + " --pg1-path=" + q(data) + " --delta "
                + String.join(" ", BackupFiles.restoreArgs(target).stream().map(PitrPlan::q).toList()) + " restore";
        plan.add("pitr-restore", ph, Steps.command("pitr:restore", "pgbackrest restore of " + stanza + " to " + target,
                Command.shell("false").build(), Command.shell(restore).user(dbsu).timeout(Duration.ofHours(12)).build()));
        String ctl = bin + "/pg_ctl -D " + q(data);
        plan.add("pitr-restore", ph, Steps.command("pitr:recover", "recover to " + target + " and promote",
                Command.shell("false").build(),
                Command.shell(ctl + " -l /pg/log/postgres/pitr.log -w -t 3600 start"
                        + " && for s in $(seq 1 3600); do [ \"$(" + psql + "'select pg_is_in_recovery()')\" = f ] && break; sleep 1; done"
                        + " && [ \"$(" + psql + "'select pg_is_in_recovery()')\" = f ]"
                        // the restore's recovery targets must not follow the data into the replicas' base backups
                        + " && " + psql + resetRecoveryArgs() + " && " + ctl + " stop -m fast -w -t 120")
                        .user(dbsu).timeout(Duration.ofHours(2)).build()));

        // up: the cluster starts afresh in the DCS (its old leader, history and pause flag go), primary first
        String ns = io.pigsty.ha.internal.EtcdAuth.prefix(inv, c);
        plan.add("pitr-up", ph, Steps.command("pitr:dcs-wipe", "wipe " + ns + " in etcd",
                Command.shell("false").build(),
                io.pigsty.ha.internal.EtcdAuth.withPassword(inv, c, io.pigsty.ha.internal.EtcdAuth.etcdctl(inv, c,
                        ctx.hasModule("PKI"), "del --prefix " + q(ns)))));
        plan.add("pitr-up", ph, Steps.service("patroni", true, true));
        String url = HaSupport.patroniUrl(inv, c, primary);
        // Patroni answers 200 on /primary once the restored member leads: the wait of pitr-up, the gate of pitr-replicas
        Command primaryServes = HaSupport.patroniProbe(pr, url + "/primary");
        plan.add("pitr-up", ph, Steps.waitFor("pitr:primary", "Patroni reports " + ph.name() + " primary",
                primaryServes,
                Duration.ofMinutes(5), Duration.ofSeconds(1)));
        plan.add("pitr-up", ph, Steps.command("pitr:resume", "resume Patroni of " + c.name(),
                Command.shell("! " + patronictl + " show-config 2>/dev/null | grep -q '^pause: true'").build(),
                Command.shell(patronictl + " resume --wait " + q(c.name())).timeout(Duration.ofMinutes(2)).build()));
        for (PgInstance i : c.replicas()) {
            Resolved r = inv.resolve(c, i);
            Host h = ctx.host(c, i);
            String d = r.get(Params.PG_DATA);
            // a replica's data is wiped only once the restored primary serves: if the restore failed, the
            // replicas are the cluster's last copies and keep them
            plan.add("pitr-replicas", h, Steps.command("pitr:primary-ready", "the restored primary " + ph.name() + " serves",
                    primaryServes,
                    Command.shell("echo " + q("the restored primary " + ph.name() + " does not serve: " + h.name()
                            + " keeps its data; nothing was wiped") + " >&2; exit 1").build()));
            plan.add("pitr-replicas", h, Steps.command("pitr:reinit", "wipe the old timeline's data of " + h.name(),
                    Command.shell("false").build(),
                    Command.shell("find " + q(d) + " -mindepth 1 -delete").timeout(Duration.ofMinutes(10)).build()));
            plan.add("pitr-replicas", h, Steps.service("patroni", true, true));
            String ru = HaSupport.patroniUrl(inv, c, i);
            plan.add("pitr-replicas", h, Steps.waitFor("pitr:replica", "Patroni reports " + h.name() + " streaming",
                    HaSupport.patroniProbe(r, ru + "/replica?replication_state=streaming"), Duration.ofMinutes(30),
                    Duration.ofSeconds(2)));
        }
        // in synchronous mode (pg_rpo 0 or the crit tuning) only the member Patroni names synchronous may be promoted:
        // until it names one, a primary crash leaves the cluster without a leader (BackupIT crashed the primary right
        // after a restore and saw no failover in 120 s), so the restore ends when one replica answers /sync
        if (!c.replicas().isEmpty() && HaSupport.synchronousMode(pr.get(Params.PG_RPO), pr.get(Params.PG_CONF))) {
            String probe = c.replicas().stream().map(i -> HaSupport.patroniCurl(inv.resolve(c, i)) + " "
                    + q(HaSupport.patroniUrl(inv, c, i) + "/sync")).collect(Collectors.joining(" || "));
            plan.add("pitr-verify", ph, Steps.waitFor("pitr:sync-standby", "Patroni names a synchronous standby of " + c.name(),
                    Command.shell(probe).timeout(Duration.ofSeconds(10)).build(), Duration.ofMinutes(5), Duration.ofSeconds(1)));
        }
        if (target.sourceCluster().isEmpty()) {
            if (central.isPresent()) {
                plan.add("pitr-verify", archiveHost.get(), BackupSteps.check(Backup.stanza(c.name()), Backup.REPO_USER, Backup.REPO_CONF));
            } else {
                plan.add("pitr-verify", ph, BackupSteps.check(Backup.stanza(c.name()), dbsu, Backup.CONF));
            }
        }
    }

    /** Settings pgBackRest's restore writes into postgresql.auto.conf. */
    static final List<String> RECOVERY_SETTINGS = List.of("restore_command", "recovery_target", "recovery_target_time",
            "recovery_target_name", "recovery_target_lsn", "recovery_target_xid", "recovery_target_action",
            "recovery_target_inclusive", "recovery_target_timeline");

    /**
     * @return psql arguments after a {@code -c } prefix that reset pgBackRest's recovery settings, one
     *         {@code ALTER SYSTEM} per {@code -c} (it cannot run inside a multi-statement transaction)
     */
    public static String resetRecoveryArgs() {
        return RECOVERY_SETTINGS.stream().map(k -> q("ALTER SYSTEM RESET " + k)).collect(Collectors.joining(" -c "));
    }

    private static PitrTarget target(PlanContext ctx, Resolved cr, PgCluster c) {
        Map<String, String> a = new LinkedHashMap<>();
        ctx.playbook().args().forEach((k, v) -> {
            if (k.startsWith("pitr_")) {
                a.put(k.substring(5), v);
            }
        });
        if (!a.isEmpty()) {
            try {
                return PitrTarget.fromMap(a);
            } catch (IllegalArgumentException e) {
                throw new PigstyException("pgsql-pitr " + c.name() + ": " + e.getMessage());
            }
        }
        return cr.find(Params.PG_PITR).orElseThrow(() -> new PigstyException("pgsql-pitr " + c.name()
                + ": no target: pass one to Playbook.pgsqlPitr(cluster, target) or set pg_pitr"));
    }

    static String q(String s) {
        return ShellQuote.quote(s);
    }

    /**
     * The window guard on its own (tests and callers that check a target before planning).
     *
     * @param stanza     stanza
     * @param target     target
     * @param user       OS user that runs pgbackrest
     * @param psql       a psql command prefix reaching the primary ({@code psql ... -c })
     * @param archiveDir a posix archive directory whose newest file dates the newest WAL
     * @return the step: check and apply fail, naming the window, when the target is outside it
     */
    public static Step windowGuard(String stanza, PitrTarget target, String user, String psql, Optional<String> archiveDir) {
        return new WindowGuard(stanza, target, user, psql, archiveDir, Optional.empty());
    }

    /**
     * Refuses a target outside the recoverable window (from the end of the oldest backup to the
     * newest archived WAL), naming the window; reads {@code pgbackrest info}, the primary's
     * {@code pg_stat_archiver} when it runs, and the newest archived WAL file of a posix repository.
     */
    static final class WindowGuard implements Step {
        private final String stanza;
        private final PitrTarget target;
        private final String dbsu;
        private final String psql;
        private final Optional<String> archiveDir;
        private final Optional<Host> archiveHost;

        WindowGuard(String stanza, PitrTarget target, String dbsu, String psql, Optional<String> archiveDir,
                    Optional<Host> archiveHost) {
            this.stanza = stanza;
            this.target = target;
            this.dbsu = dbsu;
            this.psql = psql;
            this.archiveDir = archiveDir;
            this.archiveHost = archiveHost;
        }

        @Override
        public String id() {
            return "pgsql-pitr:window";
        }

        @Override
        public String description() {
            return "the target " + target + " lies in the recoverable window of " + stanza;
        }

        private Command info() {
            return Command.shell(Backup.BIN + " --stanza=" + q(stanza) + " --output=json info").user(dbsu)
                    .timeout(Duration.ofMinutes(2)).build();
        }

        @Override
        public Rendered render() {
            return new Rendered(List.of(), List.of(info()), List.of("refuses a target outside [oldest backup stop, newest archived WAL]"));
        }

        /** @return the problem, empty when the target is reachable */
        Optional<String> problem(StepContext ctx) {
            ExecResult r = ctx.run(info());
            if (!r.ok()) {
                return Optional.of("pgbackrest info failed: " + BackupSteps.lastLine(r));
            }
            BackupInfo info = BackupInfo.parse(r.stdout(), stanza);
            Optional<Instant> archived = lastArchived(ctx);
            Optional<BackupInfo.Window> w = info.window(archived);
            if (w.isEmpty()) {
                return Optional.of("stanza " + stanza + " has no backup to restore (" + info.statusMessage() + ")");
            }
            Optional<Instant> t = target.moment().map(x -> x.toInstant());
            if (t.isPresent() && !w.get().contains(t.get())) {
                return Optional.of("target time " + target.value() + " is outside the recoverable window " + w.get()
                        + " of " + stanza);
            }
            return Optional.empty();
        }

        private Optional<Instant> lastArchived(StepContext ctx) {
            Optional<Instant> best = Optional.empty();
            ExecResult a = ctx.run(Command.shell(psql + q("select coalesce(extract(epoch from last_archived_time)::bigint, 0)"
                    + " from pg_stat_archiver")).user(dbsu).build());
            if (a.ok() && a.stdout().strip().matches("[0-9]+") && !a.stdout().strip().equals("0")) {
                best = Optional.of(Instant.ofEpochSecond(Long.parseLong(a.stdout().strip())));
            }
            if (archiveDir.isPresent()) {
                Command newest = Command.shell("find " + q(archiveDir.get()) + " -type f -name '0000*' -printf '%T@\\n' 2>/dev/null"
                        + " | sort -n | tail -1 | cut -d. -f1").build();
                ExecResult f = archiveHost.isPresent() ? ctx.executor().run(archiveHost.get(), newest) : ctx.run(newest);
                if (f.ok() && f.stdout().strip().matches("[0-9]+")) {
                    Instant m = Instant.ofEpochSecond(Long.parseLong(f.stdout().strip()));
                    best = best.isEmpty() || m.isAfter(best.get()) ? Optional.of(m) : best;
                }
            }
            return best;
        }

        @Override
        public Check check(StepContext ctx) {
            return problem(ctx).map(p -> (Check) Check.change("refuse: " + p)).orElse(Check.ok());
        }

        @Override
        public Outcome apply(StepContext ctx) {
            Optional<String> p = problem(ctx);
            if (p.isPresent()) {
                throw new PigstyException("refusing point-in-time recovery: " + p.get() + "; nothing was stopped");
            }
            return Outcome.OK;
        }
    }
}
