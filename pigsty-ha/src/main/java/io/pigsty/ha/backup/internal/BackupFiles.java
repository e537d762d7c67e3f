package io.pigsty.ha.backup.internal;

import io.pigsty.api.template.Templates;
import io.pigsty.ha.backup.Backup;
import io.pigsty.model.BackupRepo;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PitrTarget;
import io.pigsty.model.Resolved;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content of pgBackRest's files, computed from the model in one place: a member's
 * {@code pgbackrest.conf} (Pigsty's template, section by section), the central repository host's
 * {@code pgbackrest.conf}, {@code pg-backup} and the crontab.
 */
public final class BackupFiles {
    private BackupFiles() {
    }

    /**
     * One {@code [section]} of an ini file.
     *
     * @param name  section name
     * @param lines {@code key=value} lines
     */
    public record Section(String name, List<String> lines) {
        /** @return name, for Freemarker */
        public String getName() {
            return name;
        }

        /** @return lines, for Freemarker */
        public List<String> getLines() {
            return lines;
        }
    }

    /** pgBackRest's process-max for backup, archive-push and archive-get: a quarter of the CPUs, 2 to 4. */
    static int quarterCpu(int cpu) {
        return Math.min(4, Math.max(2, (cpu + 3) / 4));
    }

    /**
     * @param r     the member's resolved vars
     * @param index the pg index ({@code pg1}, {@code pg2}, ...)
     * @param host  the member's address, when the lines are seen from another host
     * @return {@code pg1-*} lines of the stanza, as seen on the member itself
     */
    static List<String> pgLines(Resolved r, int index, Optional<String> host) {
        List<String> l = new ArrayList<>();
        host.ifPresent(h -> l.add("pg" + index + "-host=" + h));
        l.add("pg" + index + "-path=" + r.get(Params.PG_DATA));
        l.add("pg" + index + "-port=" + r.get(Params.PG_PORT));
        l.add("pg" + index + "-socket-path=" + r.get(Params.PG_LOCALHOST));
        return l;
    }

    /**
     * Repository options as {@code repo1-*} lines, Pigsty's way ({@code _} to {@code -}, {@code ${pg_cluster}}
     * replaced); for a central repository only what its clients need.
     */
    static List<String> repoLines(BackupRepo repo, String stanza, boolean onRepoHost) {
        List<String> l = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>(repo.options());
        repo.secrets().forEach((k, v) -> all.put(k, v.reveal()));
        all.forEach((k, v) -> {
            boolean hostKey = k.equals("host") || k.startsWith("host_");
            if (repo.host().isPresent() && hostKey) {
                return; // written from the resolved address and the TLS files below
            }
            if (repo.host().isPresent() && !onRepoHost && !k.equals("path")) {
                // retention and cipher live on the repository host; the path does not: a client's
                // repo1-path is the path the repository host's TLS server opens (seen with 2.45)
                return;
            }
            l.add("repo1-" + k.replace('_', '-') + "=" + v.replace("${pg_cluster}", stanza));
        });
        return l;
    }

    /**
     * @param inv the inventory
     * @param c   the cluster
     * @param i   the member
     * @param cpu the member's CPU count
     * @return the member's {@code /etc/pgbackrest/pgbackrest.conf} sections
     */
    public static List<Section> memberSections(Inventory inv, PgCluster c, PgInstance i, int cpu) {
        Resolved r = inv.resolve(c, i);
        BackupRepo repo = Backup.repo(r);
        String stanza = Backup.stanza(c.name());
        List<Section> out = new ArrayList<>();
        out.add(new Section(stanza, pgLines(r, 1, Optional.empty())));
        // a clone restores (and a standby clone keeps fetching WAL) from the source's stanza into its own data dir
        r.find(Params.PG_CLONE_FROM).ifPresent(src -> out.add(new Section(Backup.stanza(src), pgLines(r, 1, Optional.empty()))));
        List<String> g = new ArrayList<>();
        g.add("archive-async=y");
        g.add("archive-push-queue-max=4GiB");
        g.add("spool-path=" + Backup.SPOOL);
        g.add("expire-auto=y");
        g.add("start-fast=y");
        g.add("compress-type=zst");
        g.add("log-path=" + r.get(Params.PGBACKREST_LOG_DIR));
        g.add("log-level-file=info");
        g.add("log-level-console=info");
        g.addAll(repoLines(repo, stanza, false));
        Backup.repoHost(inv, c).ifPresent(host -> {
            g.add("repo1-host=" + host);
            g.add("repo1-host-type=tls");
            g.add("repo1-host-port=" + r.get(Params.PGBACKREST_TLS_PORT));
            g.addAll(tlsClient(r, "repo1-host"));
            // the member's own TLS server: the repository host connects to it to back up and to check
            g.add("tls-server-address=" + i.ip());
            g.add("tls-server-port=" + r.get(Params.PGBACKREST_TLS_PORT));
            g.addAll(tlsServer(r));
            g.add("tls-server-auth=" + host + "=" + stanza);
        });
        g.add("delta=y");
        out.add(new Section("global", g));
        int q = quarterCpu(cpu);
        out.add(new Section("global:backup", List.of("process-max=" + q)));
        out.add(new Section("global:restore", List.of("process-max=" + Math.min(8, Math.max(1, cpu)))));
        out.add(new Section("global:archive-get", List.of("process-max=" + q)));
        out.add(new Section("global:archive-push", List.of("process-max=" + q)));
        return out;
    }

    /**
     * The central repository host's configuration: one stanza per cluster that keeps its repository
     * there, each listing every member (pgBackRest backs up from whichever is primary), and the TLS
     * server that authorises each member's certificate for its own stanza only.
     *
     * @param inv  the inventory
     * @param host the repository host's address
     * @param cpu  its CPU count
     * @return the sections, empty when no cluster uses this host
     */
    public static List<Section> repoHostSections(Inventory inv, String host, int cpu) {
        List<Section> out = new ArrayList<>();
        Map<String, String> auth = new LinkedHashMap<>(); // client CN (its address) -> the stanzas it may use
        BackupRepo first = null;
        Resolved firstR = null;
        for (PgCluster c : inv.clusters()) {
            if (!Backup.repoHost(inv, c).map(host::equals).orElse(false)) {
                continue;
            }
            Resolved cr = inv.resolve(c);
            if (first == null) {
                first = Backup.repo(cr);
                firstR = cr;
            }
            String stanza = Backup.stanza(c.name());
            List<String> l = new ArrayList<>();
            int n = 1;
            for (PgInstance i : c.instances()) {
                Resolved r = inv.resolve(c, i);
                l.addAll(pgLines(r, n, Optional.of(i.ip())));
                l.add("pg" + n + "-host-type=tls");
                l.add("pg" + n + "-host-port=" + r.get(Params.PGBACKREST_TLS_PORT));
                l.add("pg" + n + "-host-ca-file=" + r.get(Params.PGBACKREST_TLS_CA));
                l.add("pg" + n + "-host-cert-file=" + Backup.REPO_CERT);
                l.add("pg" + n + "-host-key-file=" + Backup.REPO_KEY);
                auth.merge(i.ip(), stanza, (a, b) -> a + "," + b);
                // a clone's members read the source's stanza too
                cr.find(Params.PG_CLONE_FROM).ifPresent(src -> auth.merge(i.ip(), Backup.stanza(src), (a, b) -> a + "," + b));
                n++;
            }
            out.add(new Section(stanza, l));
        }
        if (first == null) {
            return List.of();
        }
        List<String> g = new ArrayList<>();
        g.addAll(repoLines(first, "", true));
        g.add("start-fast=y");
        g.add("compress-type=zst");
        g.add("expire-auto=y");
        g.add("log-path=" + firstR.get(Params.PGBACKREST_LOG_DIR));
        g.add("log-level-file=info");
        g.add("log-level-console=info");
        g.add("tls-server-address=" + host);
        g.add("tls-server-port=" + firstR.get(Params.PGBACKREST_TLS_PORT));
        g.add("tls-server-ca-file=" + firstR.get(Params.PGBACKREST_TLS_CA));
        g.add("tls-server-cert-file=" + Backup.REPO_CERT);
        g.add("tls-server-key-file=" + Backup.REPO_KEY);
        auth.forEach((cn, stanzas) -> g.add("tls-server-auth=" + cn + "=" + stanzas));
        out.add(new Section("global", g));
        out.add(new Section("global:backup", List.of("process-max=" + quarterCpu(cpu))));
        return out;
    }

    private static List<String> tlsClient(Resolved r, String prefix) {
        return List.of(prefix + "-ca-file=" + r.get(Params.PGBACKREST_TLS_CA), prefix + "-cert-file=" + r.get(Params.PGBACKREST_TLS_CERT),
                prefix + "-key-file=" + r.get(Params.PGBACKREST_TLS_KEY));
    }

    private static List<String> tlsServer(Resolved r) {
        return List.of("tls-server-ca-file=" + r.get(Params.PGBACKREST_TLS_CA),
                "tls-server-cert-file=" + r.get(Params.PGBACKREST_TLS_CERT),
                "tls-server-key-file=" + r.get(Params.PGBACKREST_TLS_KEY));
    }

    /**
     * @param t        templates
     * @param title    header line
     * @param sections the sections
     * @return the file's text
     */
    public static String render(Templates t, String title, List<Section> sections) {
        return t.render("pgbackrest/pgbackrest.conf.ftl", Map.of("title", title, "sections", sections));
    }

    /**
     * Options of {@code pgbackrest restore} for a recovery target; {@code --type=immediate},
     * {@code --type=time --target=...}, ... and {@code --target-action=promote}.
     *
     * @param t the target
     * @return arguments after {@code restore}
     */
    public static List<String> restoreArgs(PitrTarget t) {
        List<String> a = new ArrayList<>();
        switch (t.kind()) {
            case LATEST -> a.add("--type=default");
            case IMMEDIATE -> {
                a.add("--type=immediate");
                a.add("--target-action=promote");
            }
            default -> {
                a.add("--type=" + t.kind().value());
                a.add("--target=" + t.value());
                a.add("--target-action=promote");
                if (t.exclusive()) {
                    a.add("--target-exclusive");
                }
            }
        }
        if (!t.set().equals("latest")) {
            a.add("--set=" + t.set());
        }
        if (!t.timeline().equals("latest")) {
            a.add("--target-timeline=" + t.timeline());
        }
        return a;
    }

    /**
     * @param t     templates
     * @param r     the member's resolved vars
     * @param cls   cluster
     * @return {@code /pg/bin/pg-backup}
     */
    public static String backupScript(Templates t, Resolved r, String cls) {
        return t.render("pgbackrest/pg-backup.ftl", Map.of("stanza", Backup.stanza(cls), "dbsu", r.get(Params.PG_DBSU),
                "socket", r.get(Params.PG_LOCALHOST), "port", r.get(Params.PG_PORT), "bin", Backup.BIN));
    }

    /**
     * @param t       templates
     * @param r       the cluster's resolved vars
     * @param cls     cluster
     * @param entries the {@code pg_crontab} entries for this host
     * @param user    the user they run as
     * @return the {@code /etc/cron.d} file: each entry with the user column {@code /etc/cron.d} wants
     */
    public static String crontab(Templates t, Resolved r, String cls, List<String> entries, String user) {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            String[] f = e.strip().split("\\s+", e.strip().startsWith("@") ? 2 : 6);
            int n = f.length - 1;
            out.add(String.join(" ", java.util.Arrays.copyOf(f, n)) + " " + user + " " + f[n]);
        }
        return t.render("pgbackrest/pg-crontab.ftl", Map.of("cls", cls, "entries", out));
    }

    /**
     * The central repository's crontab: each {@code pg-backup [type]} entry of {@code pg_crontab}
     * becomes a backup of the stanza run on the repository host (pgBackRest picks the primary).
     *
     * @param t       templates
     * @param cls     cluster
     * @param entries the {@code pg-backup} entries
     * @return the {@code /etc/cron.d} file
     */
    public static String repoCrontab(Templates t, String cls, List<String> entries) {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            String[] f = e.strip().split("\\s+", e.strip().startsWith("@") ? 2 : 6);
            int n = f.length - 1;
            String type = f[n].matches(".*pg-backup\\s+(full|diff|incr).*") ? f[n].replaceAll(".*pg-backup\\s+(full|diff|incr).*", "$1")
                    : "incr";
            out.add(String.join(" ", java.util.Arrays.copyOf(f, n)) + " " + Backup.REPO_USER + " " + Backup.BIN
                    + " --config=" + Backup.REPO_CONF + " --stanza=" + Backup.stanza(cls) + " --type=" + type + " backup");
        }
        return t.render("pgbackrest/pg-crontab.ftl", Map.of("cls", cls, "entries", out));
    }
}
