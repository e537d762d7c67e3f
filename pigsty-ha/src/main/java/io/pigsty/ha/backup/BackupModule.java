package io.pigsty.ha.backup;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.api.spi.CertificateIssuer;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.ha.backup.internal.BackupFiles;
import io.pigsty.ha.backup.internal.BackupSteps;
import io.pigsty.ha.backup.internal.PitrPlan;
import io.pigsty.model.BackupRepo;
import io.pigsty.model.BackupType;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * BACKUP: pgBackRest. In {@code pgsql}: the package, {@code pgbackrest.conf}, the stanza (created
 * or upgraded, idempotent), {@code pgbackrest check}, a first full backup, {@code pg-backup} and the
 * {@code pg_crontab} entries; with the central repository also the repository host on the infra
 * node (its TLS server, the certificates it issues, its configuration). In {@code pgsql-backup}: one
 * backup, taken from the member that is primary at that moment. In {@code pgsql-pitr}: the
 * point-in-time recovery plan. Patroni's archive and restore settings come from the same keys
 * (see {@link Backup}).
 */
public final class BackupModule implements PigstyModule {
    /** Phase of the stanza, the check and the first backup: after every member runs. */
    public static final String PHASE = "backup";
    /**
     * With the central repository: the primary's archiver counters reset, after the repository
     * host created the stanza and checked archiving in {@link #PHASE}.
     */
    public static final String ARCHIVER_PHASE = "backup-archiver";

    @Override
    public String name() {
        return "BACKUP";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        String pb = ctx.playbook().name();
        if (!Set.of("pgsql", "pgsql-backup", "pgsql-pitr", "pgsql-rm").contains(pb)) {
            return;
        }
        Inventory inv = ctx.inventory();
        PgCluster c = inv.requireCluster(ctx.playbook().requireCluster());
        Resolved cr = inv.resolve(c);
        if (!cr.get(Params.PGBACKREST_ENABLED)) {
            if (!pb.equals("pgsql") && !pb.equals("pgsql-rm")) {
                throw new PigstyException(pb + ": pgbackrest_enabled is false for " + c.name() + ": it has no backups");
            }
            return;
        }
        switch (pb) {
            case "pgsql" -> create(ctx, plan, inv, c);
            case "pgsql-rm" -> remove(ctx, plan, inv, c);
            case "pgsql-backup" -> backup(ctx, plan, inv, c, ctx.playbook().arg("type").flatMap(BackupType::parse)
                    .orElse(BackupType.INCR));
            default -> PitrPlan.contribute(ctx, plan, inv, c);
        }
    }

    /**
     * {@code pgsql-rm} of the whole cluster with {@code pg_rm_backup} (Pigsty's default): the stanza is
     * deleted, after PostgreSQL has stopped, so a cluster created again under the same name (a new
     * system identifier) starts with a stanza of its own instead of failing {@code pgbackrest check}.
     * A member leaving a live cluster keeps the cluster's backups.
     */
    private void remove(PlanContext ctx, PlanBuilder plan, Inventory inv, PgCluster c) {
        Resolved cr = inv.resolve(c);
        if (ctx.playbook().arg("instance").isPresent() || !cr.get(Params.PG_RM_BACKUP)) {
            return;
        }
        String stanza = Backup.stanza(c.name());
        Optional<String> central = Backup.repoHost(inv, c);
        if (central.isPresent()) {
            plan.add(REMOVE_PHASE, repoHost(ctx, central.get()), BackupSteps.stanzaDelete(stanza, Backup.REPO_USER, Backup.REPO_CONF));
            return;
        }
        BackupRepo repo = Backup.repo(cr);
        // a posix repository on every member holds a stanza of its own; an off-host one (S3) is one stanza, from the primary
        List<PgInstance> holders = repo.offHost() ? c.primary().map(List::of).orElse(List.of()) : c.instances();
        for (PgInstance i : holders) {
            plan.add(REMOVE_PHASE, ctx.host(c, i), BackupSteps.stanzaDelete(stanza, cr.get(Params.PG_DBSU), Backup.CONF));
        }
    }

    /** Phase of the stanza's removal in {@code pgsql-rm}: after {@code pg-remove} has stopped every member. */
    public static final String REMOVE_PHASE = "backup-remove";

    private static Host repoHost(PlanContext ctx, String ip) {
        return new Host(ip, "infra@" + ip); // the name MONITOR gives the infra node
    }

    private void create(PlanContext ctx, PlanBuilder plan, Inventory inv, PgCluster c) {
        Resolved cr = inv.resolve(c);
        BackupRepo repo = Backup.repo(cr);
        Optional<String> central = Backup.repoHost(inv, c);
        String stanza = Backup.stanza(c.name());
        String dbsu = cr.get(Params.PG_DBSU);
        List<String> cron = cr.get(Params.PG_CRONTAB);
        if (central.isPresent()) {
            repoHostSteps(ctx, plan, inv, c, central.get());
        }
        for (PgInstance i : c.instances()) {
            Host h = ctx.host(c, i);
            Resolved r = inv.resolve(c, i);
            List<String> pkgs = new ArrayList<>(List.of("pgbackrest"));
            if (!cron.isEmpty()) {
                pkgs.add("cron");
            }
            plan.add("pg-install", h, BackupSteps.packages(pkgs));
            // root's and world-traversable: a central repository host on the same node reads its own repo.conf (0600) here
            plan.add("pg-config", h, Steps.directory("/etc/pgbackrest", "0755", "root", "root"));
            plan.add("pg-config", h, Steps.directory(r.get(Params.PGBACKREST_LOG_DIR), "0750", dbsu, dbsu));
            plan.add("pg-config", h, Steps.directory(Backup.SPOOL, "0750", dbsu, dbsu));
            if (!repo.offHost() && repo.path().isPresent()) {
                plan.add("pg-config", h, Steps.directory(repo.path().get(), "0750", dbsu, dbsu));
            }
            int cpu = r.raw("node_cpu").map(v -> ((Number) v).intValue()).orElse((int) ctx.facts(h).cpuCount());
            String conf = BackupFiles.render(ctx.templates(), "pgBackRest of " + Backup.stanza(c.name()) + " on "
                    + ctx.host(c, i).name(), BackupFiles.memberSections(inv, c, i, cpu));
            // with credentials (cipher_pass, s3 keys) in it the file is owner-only and never shown; else Pigsty's 0640
            boolean secret = !repo.secrets().isEmpty() && central.isEmpty();
            FileSpec confFile = new FileSpec(Backup.CONF, conf.getBytes(StandardCharsets.UTF_8), secret ? "0600" : "0640", dbsu,
                    dbsu, secret);
            if (central.isPresent()) {
                tlsFiles(ctx, plan, h, new CertificateIssuer.TlsFiles(r.get(Params.PGBACKREST_TLS_CA), r.get(Params.PGBACKREST_TLS_CERT),
                        r.get(Params.PGBACKREST_TLS_KEY), dbsu, dbsu), i.ip(), r, Backup.SERVER_UNIT,
                        () -> BackupSteps.copyTls(repoHost(ctx, central.get()), i.ip(), dbsu, cr));
                // the unit file before the configuration: a changed configuration restarts the TLS server, which
                // reads it only at start, and try-restart of a unit systemd does not know yet fails
                plan.add("pg-config", h, Steps.file(FileSpec.text("/etc/systemd/system/" + Backup.SERVER_UNIT + ".service",
                        serverUnit(ctx, "member " + ctx.host(c, i).name(), dbsu), "0644", "root"),
                        Command.of("systemctl", "daemon-reload"),
                        Command.shell("systemctl try-restart " + Backup.SERVER_UNIT).build()));
                plan.add("pg-config", h, Steps.file(confFile, Command.shell("systemctl try-restart " + Backup.SERVER_UNIT).build()));
                plan.add("pg-config", h, Steps.service(Backup.SERVER_UNIT, true, true));
            } else {
                plan.add("pg-config", h, Steps.file(confFile));
                plan.add("pg-config", h, Steps.file(FileSpec.text(Backup.BACKUP_SCRIPT,
                        BackupFiles.backupScript(ctx.templates(), r, c.name()), "0755", dbsu)));
            }
            List<String> memberCron = central.isPresent() ? cron.stream().filter(e -> !e.contains("pg-backup")).toList() : cron;
            if (!memberCron.isEmpty()) {
                plan.add("pg-config", h, Steps.file(FileSpec.text(Backup.cronFile(c.name()),
                        BackupFiles.crontab(ctx.templates(), r, c.name(), memberCron, dbsu), "0644", "root")));
            }
        }
        boolean initBackup = cr.get(Params.PGBACKREST_INIT_BACKUP);
        if (central.isPresent()) {
            Host rh = repoHost(ctx, central.get());
            plan.add(PHASE, rh, BackupSteps.stanza(stanza, Backup.REPO_USER, Backup.REPO_CONF, Optional.empty(), false));
            plan.add(PHASE, rh, BackupSteps.check(stanza, Backup.REPO_USER, Backup.REPO_CONF));
            if (initBackup) {
                plan.add(PHASE, rh, BackupSteps.initialBackup(stanza, Backup.REPO_USER, Backup.REPO_CONF));
            }
            // a phase of its own: in PHASE the repository host and the primary run side by side, and a reset made
            // before the stanza exists is followed by one more failed archive-push (BackupIT saw failed_count 1)
            c.primary().ifPresent(p -> plan.add(ARCHIVER_PHASE, ctx.host(c, p), BackupSteps.resetArchiver(stanza, dbsu,
                    inv.resolve(c, p))));
            return;
        }
        // a posix repository on every member: each member has its stanza, backups come from the primary
        for (PgInstance i : c.instances()) {
            Host h = ctx.host(c, i);
            boolean primary = c.primary().filter(p -> p.seq() == i.seq()).isPresent();
            Optional<String> cleanPath = !repo.offHost() && cr.get(Params.PGBACKREST_CLEAN) ? repo.path() : Optional.empty();
            plan.add(PHASE, h, BackupSteps.stanza(stanza, dbsu, Backup.CONF, cleanPath, !repo.offHost()));
            if (primary || repo.offHost()) {
                if (primary) {
                    plan.add(PHASE, h, BackupSteps.check(stanza, dbsu, Backup.CONF));
                    plan.add(PHASE, h, BackupSteps.resetArchiver(stanza, dbsu, inv.resolve(c, i)));
                    if (initBackup) {
                        plan.add(PHASE, h, BackupSteps.initialBackup(stanza, dbsu, Backup.CONF));
                    }
                }
            }
        }
    }

    /**
     * A host's pgBackRest TLS files: from the deployment's CA when a module offers one (the PKI
     * module), else {@code fallback} (the repository host's own openssl CA; none for that host, whose
     * caller issues them). The CN is the host's address, which {@code tls-server-auth} names; the
     * address is a DNS entry too, since pgBackRest 2.45 matches a server's name against those only.
     */
    private static void tlsFiles(PlanContext ctx, PlanBuilder plan, Host h, CertificateIssuer.TlsFiles files, String ip, Resolved r,
                                 String unit, java.util.function.Supplier<io.pigsty.api.step.Step> fallback) {
        Optional<CertificateIssuer> issuer = ctx.certificateIssuer();
        if (issuer.isEmpty()) {
            plan.add("pg-config", h, fallback.get());
            return;
        }
        String phase = fallback == null ? "pg-install" : "pg-config";
        java.util.Set<String> dirs = new LinkedHashSet<>();
        for (String f : List.of(files.caFile(), files.certFile(), files.keyFile())) {
            dirs.add(f.substring(0, Math.max(1, f.lastIndexOf('/'))));
        }
        dirs.forEach(d -> plan.add(phase, h, Steps.directory(d, "0755", "root", "root")));
        plan.add(phase, h, issuer.get().certificate(files, new CertificateIssuer.Subject(ip, List.of(ip), List.of(ip)), r,
                // the TLS server reads its certificate at start; on a first deploy its unit does not exist yet
                List.of(Command.shell("! systemctl is-active -q " + unit + " || systemctl restart " + unit).build())));
    }

    private static String serverUnit(PlanContext ctx, String role, String user) {
        return ctx.templates().render("systemd/pgbackrest-server.service.ftl", java.util.Map.of("role", role, "user", user,
                "group", user, "config", Backup.CONF));
    }

    /** The central repository on the infra node: user, TLS CA and certificates, configuration, TLS server, crontab. */
    private void repoHostSteps(PlanContext ctx, PlanBuilder plan, Inventory inv, PgCluster c, String ip) {
        Host rh = repoHost(ctx, ip);
        Resolved cr = inv.resolve(c);
        BackupRepo repo = Backup.repo(cr);
        boolean ownCa = ctx.certificateIssuer().isEmpty();
        plan.add("pg-install", rh, BackupSteps.packages(ownCa ? List.of("pgbackrest", "openssl", "cron") : List.of("pgbackrest", "cron")));
        plan.add("pg-install", rh, BackupSteps.repoUser());
        if (!ownCa) {
            // the deployment's CA (PKI module): the repository host's certificate like every member's
            tlsFiles(ctx, plan, rh, new CertificateIssuer.TlsFiles(cr.get(Params.PGBACKREST_TLS_CA), Backup.REPO_CERT, Backup.REPO_KEY,
                    Backup.REPO_USER, Backup.REPO_USER), ip, cr, Backup.SERVER_UNIT + "-repo", null);
        } else {
            // its own openssl CA: every member of every cluster using this repository, and the host itself, gets a certificate
            Set<String> cns = new LinkedHashSet<>();
            cns.add(ip);
            for (PgCluster o : inv.clusters()) {
                if (Backup.repoHost(inv, o).map(ip::equals).orElse(false)) {
                    o.instances().forEach(i -> cns.add(i.ip()));
                }
            }
            plan.add("pg-install", rh, BackupSteps.issueCertificates(cr.get(Params.PGBACKREST_TLS_CA), List.copyOf(cns), ip));
        }
        addRepoHostConfig(ctx, plan, inv, c, ip, rh, cr, repo);
    }

    private void addRepoHostConfig(PlanContext ctx, PlanBuilder plan, Inventory inv, PgCluster c, String ip, Host rh, Resolved cr,
                                   BackupRepo repo) {
        plan.add("pg-config", rh, Steps.directory(repo.path().orElse(BackupRepo.CENTRAL_PATH), "0750", Backup.REPO_USER, Backup.REPO_USER));
        // 0755 root, as on a member: the infra node may be one, and each file inside carries its owner's mode
        plan.add("pg-config", rh, Steps.directory("/etc/pgbackrest", "0755", "root", "root"));
        plan.add("pg-config", rh, Steps.directory(Backup.REPO_LOG_DIR, "0750", Backup.REPO_USER, Backup.REPO_USER));
        int cpu = (int) ctx.facts(rh).cpuCount();
        String conf = BackupFiles.render(ctx.templates(), "central pgBackRest repository on " + ip,
                BackupFiles.repoHostSections(inv, ip, cpu));
        // the unit file first: the configuration's change restarts the server, and systemd must know the unit by then
        plan.add("pg-config", rh, Steps.file(FileSpec.text("/etc/systemd/system/" + Backup.SERVER_UNIT + "-repo.service",
                ctx.templates().render("systemd/pgbackrest-server.service.ftl", java.util.Map.of("role", "central repository",
                        "user", Backup.REPO_USER, "group", Backup.REPO_USER, "config", Backup.REPO_CONF)), "0644", "root"),
                Command.of("systemctl", "daemon-reload")));
        plan.add("pg-config", rh, Steps.file(new FileSpec(Backup.REPO_CONF, conf.getBytes(StandardCharsets.UTF_8), "0600",
                Backup.REPO_USER, Backup.REPO_USER, true), Command.shell("systemctl try-reload-or-restart "
                + Backup.SERVER_UNIT + "-repo").build()));
        plan.add("pg-config", rh, Steps.service(Backup.SERVER_UNIT + "-repo", true, true));
        List<String> cron = cr.get(Params.PG_CRONTAB).stream().filter(e -> e.contains("pg-backup")).toList();
        if (!cron.isEmpty()) {
            plan.add("pg-config", rh, Steps.file(FileSpec.text(Backup.cronFile(c.name()),
                    BackupFiles.repoCrontab(ctx.templates(), c.name(), cron), "0644", "root")));
        }
    }

    private void backup(PlanContext ctx, PlanBuilder plan, Inventory inv, PgCluster c, BackupType type) {
        String stanza = Backup.stanza(c.name());
        Optional<String> central = Backup.repoHost(inv, c);
        if (central.isPresent()) {
            // pgBackRest on the repository host finds the member that is primary now among pg1..pgN
            plan.add(PHASE, repoHost(ctx, central.get()), BackupSteps.backup(stanza, type, Backup.REPO_USER,
                    "pgbackrest --config=" + Backup.REPO_CONF + " --stanza=" + ShellQuote.quote(stanza) + " --type="
                            + type.value() + " backup"));
            return;
        }
        for (PgInstance i : c.instances()) {
            Resolved r = inv.resolve(c, i);
            // every member is asked; only the one that is primary at this moment backs up (pg-backup checks)
            plan.add(PHASE, ctx.host(c, i), BackupSteps.backup(stanza, type, r.get(Params.PG_DBSU),
                    Backup.BACKUP_SCRIPT + " " + type.value()));
        }
    }

    /** @return a generous bound for one backup command */
    static Duration backupTimeout() {
        return Duration.ofHours(6);
    }
}
