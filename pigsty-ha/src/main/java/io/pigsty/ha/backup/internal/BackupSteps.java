package io.pigsty.ha.backup.internal;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.api.step.Steps;
import io.pigsty.ha.backup.Backup;
import io.pigsty.model.BackupType;
import io.pigsty.model.Params;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The steps of BACKUP; each converges and checks read-only. */
public final class BackupSteps {
    private BackupSteps() {
    }

    private static String q(String s) {
        return ShellQuote.quote(s);
    }

    /** {@code pgbackrest} as a user with a configuration file, as one shell word list. */
    static String pgbackrest(String conf, String stanza) {
        return Backup.BIN + " --config=" + q(conf) + " --stanza=" + q(stanza);
    }

    /**
     * @param pkgs Debian packages
     * @return an install step with its own id (NODE owns {@code packages})
     */
    public static Step packages(List<String> pkgs) {
        StringBuilder check = new StringBuilder("for p in");
        pkgs.forEach(p -> check.append(' ').append(q(p)));
        check.append("; do dpkg-query -W -f='${db:Status-Abbrev}' \"$p\" 2>/dev/null | grep -q '^ii' || exit 1; done");
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        argv.addAll(pkgs);
        return Steps.command("backup:packages", "packages " + String.join(" ", pkgs), Command.shell(check.toString()).build(),
                Command.argv(argv).env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(10)).build());
    }

    /** @return the repository host's OS user, {@code pgbackrest} */
    public static Step repoUser() {
        String u = Backup.REPO_USER;
        return Steps.command("backup:repo-user", "OS user " + u + " owns the central repository",
                Command.shell("id -u " + u + " >/dev/null 2>&1").build(),
                Command.shell("useradd --system --create-home --home-dir /var/lib/pgbackrest --shell /bin/bash " + u).build());
    }

    /**
     * A CA on the repository host (made once) and one certificate per address (CN and IP SAN = the
     * address, for server and client use): pgBackRest authorises TLS clients by CN and checks a
     * server's name against its certificate.
     *
     * @param caFile  where the CA certificate goes ({@code pgbackrest_tls_ca})
     * @param cns     addresses to issue for
     * @param repoIp  the repository host itself (its pair goes to {@link Backup#REPO_CERT})
     * @return the step
     */
    public static Step issueCertificates(String caFile, List<String> cns, String repoIp) {
        StringBuilder check = new StringBuilder("[ -s " + q(caFile) + " ] && [ -s " + Backup.TLS_DIR + "/ca.key ] && [ -s "
                + Backup.REPO_CERT + " ]");
        for (String cn : cns) {
            check.append(" && [ -s ").append(q(Backup.ISSUED_DIR + "/" + cn + ".crt")).append(" ]");
        }
        return Steps.command("backup:tls-issue", "pgBackRest TLS CA and certificates for " + cns,
                Command.shell(check.toString()).build(), Command.shell(issueScript(Backup.TLS_DIR, caFile, cns, repoIp,
                        Backup.REPO_CERT, Backup.REPO_KEY, Backup.REPO_USER)).timeout(Duration.ofMinutes(5)).build());
    }

    /**
     * The script behind {@link #issueCertificates}: a CA made once, then a key and certificate per
     * address not issued yet. pgBackRest 2.45 matches a server's name against the DNS entries of
     * the subject alternative names only (an IP entry is not enough), so each certificate carries
     * its address as both a DNS and an IP entry, and as CN (the name {@code tls-server-auth} checks).
     *
     * @param dir      TLS directory ({@code ca.key} and {@code issued/} go there)
     * @param caFile   CA certificate path
     * @param cns      addresses
     * @param repoIp   the repository host's address
     * @param repoCert where its certificate is installed
     * @param repoKey  where its key is installed
     * @param owner    owner of the installed pair
     * @return the shell script (idempotent)
     */
    public static String issueScript(String dir, String caFile, List<String> cns, String repoIp, String repoCert, String repoKey,
                                     String owner) {
        String issued = dir + "/issued";
        StringBuilder apply = new StringBuilder("set -e; umask 077; install -d -m 0755 " + q(dir) + "; install -d -m 0700 " + q(issued)
                + "; install -d -m 0755 \"$(dirname " + q(caFile) + ")\"\n");
        apply.append("[ -s ").append(q(dir + "/ca.key")).append(" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "
                + "'/CN=pigsty-pgbackrest-ca' -keyout ").append(q(dir + "/ca.key")).append(" -out ").append(q(caFile)).append(" 2>/dev/null\n");
        apply.append("chmod 0644 ").append(q(caFile)).append('\n');
        for (String cn : cns) {
            String base = issued + "/" + cn;
            apply.append("if [ ! -s ").append(q(base + ".crt")).append(" ]; then openssl req -newkey rsa:2048 -nodes -subj ")
                    .append(q("/CN=" + cn)).append(" -keyout ").append(q(base + ".key")).append(" -out ").append(q(base + ".csr"))
                    .append(" 2>/dev/null; printf 'subjectAltName=DNS:%s,IP:%s\\nextendedKeyUsage=serverAuth,clientAuth\\n' ")
                    .append(q(cn)).append(' ').append(q(cn)).append(" > ").append(q(base + ".ext"))
                    .append("; openssl x509 -req -in ").append(q(base + ".csr")).append(" -CA ").append(q(caFile)).append(" -CAkey ")
                    .append(q(dir + "/ca.key")).append(" -CAcreateserial -days 3650 -extfile ").append(q(base + ".ext")).append(" -out ")
                    .append(q(base + ".crt")).append(" 2>/dev/null; fi\n");
        }
        String rb = issued + "/" + repoIp;
        apply.append("install -m 0644 -o ").append(q(owner)).append(' ').append(q(rb + ".crt")).append(' ').append(q(repoCert)).append('\n');
        apply.append("install -m 0600 -o ").append(q(owner)).append(' ').append(q(rb + ".key")).append(' ').append(q(repoKey)).append('\n');
        return apply.toString();
    }

    /**
     * Copies a member's certificate, key and the CA from the repository host that issued them.
     *
     * @param repo   the repository host
     * @param ip     the member's address (the certificate's CN)
     * @param owner  the member's dbsu
     * @param r      resolved vars (TLS paths)
     * @return the step
     */
    public static Step copyTls(Host repo, String ip, String owner, Resolved r) {
        return new CopyTls(repo, ip, owner, r.get(Params.PGBACKREST_TLS_CA), r.get(Params.PGBACKREST_TLS_CERT),
                r.get(Params.PGBACKREST_TLS_KEY));
    }

    /** The member's TLS files, read from the repository host over the executor and written here. */
    static final class CopyTls implements Step {
        private final Host repo;
        private final String ip;
        private final String owner;
        private final String ca;
        private final String cert;
        private final String key;

        CopyTls(Host repo, String ip, String owner, String ca, String cert, String key) {
            this.repo = repo;
            this.ip = ip;
            this.owner = owner;
            this.ca = ca;
            this.cert = cert;
            this.key = key;
        }

        @Override
        public String id() {
            return "backup:tls-copy";
        }

        @Override
        public String description() {
            return "pgBackRest TLS certificate of " + ip + " from the repository host " + repo.address();
        }

        @Override
        public Rendered render() {
            return new Rendered(List.of(), List.of(), List.of("copy " + repo.address() + ":" + Backup.ISSUED_DIR + "/" + ip
                    + ".{crt,key} to " + cert + ", " + key + " and " + ca + " (key mode 0600, owner " + owner + ")"));
        }

        private List<FileSpec> wanted(StepContext ctx) {
            byte[] c = read(ctx, Backup.ISSUED_DIR + "/" + ip + ".crt");
            byte[] k = read(ctx, Backup.ISSUED_DIR + "/" + ip + ".key");
            byte[] a = read(ctx, ca);
            return List.of(new FileSpec(ca, a, "0644", "root", "root", false), new FileSpec(cert, c, "0644", owner, owner, false),
                    new FileSpec(key, k, "0600", owner, owner, true));
        }

        private byte[] read(StepContext ctx, String path) {
            return ctx.executor().readFile(repo, path).orElseThrow(() -> new PigstyException(repo + ": " + path
                    + " is missing: the repository host issues the pgBackRest certificates (step backup:tls-issue)"));
        }

        @Override
        public Check check(StepContext ctx) {
            List<String> differ = new ArrayList<>();
            for (FileSpec f : wanted(ctx)) {
                Optional<byte[]> have = ctx.executor().readFile(ctx.host(), f.path());
                if (have.isEmpty() || !Arrays.equals(have.get(), f.content())) {
                    differ.add(f.path());
                }
            }
            return differ.isEmpty() ? Check.ok() : Check.change("write " + differ);
        }

        @Override
        public Outcome apply(StepContext ctx) {
            if (check(ctx).isOk()) {
                return Outcome.OK;
            }
            ctx.runOk(Command.shell("install -d -m 0755 \"$(dirname " + q(cert) + ")\" \"$(dirname " + q(ca) + ")\"").build());
            for (FileSpec f : wanted(ctx)) {
                ctx.executor().putFile(ctx.host(), f);
            }
            return Outcome.CHANGED;
        }
    }

    /**
     * Stanza create, or upgrade after a PostgreSQL major upgrade; idempotent: a stanza that exists
     * and matches the database is left alone. With {@code pgbackrest_clean}, a posix repository
     * holding another database system's stanza under this name is wiped first.
     *
     * @param stanza    stanza
     * @param user      OS user that runs pgBackRest here
     * @param conf      configuration file
     * @param cleanPath the posix repository path to clean, when allowed
     * @param offline   create from the data directory alone ({@code --no-online}: every member of a local repo)
     * @return the step
     */
    public static Step stanza(String stanza, String user, String conf, Optional<String> cleanPath, boolean offline) {
        String pb = pgbackrest(conf, stanza) + (offline ? " --no-online" : "");
        String create = pb + " stanza-create";
        StringBuilder apply = new StringBuilder(create + " || " + pb + " stanza-upgrade");
        cleanPath.ifPresent(p -> apply.append(" || { rm -rf ").append(q(p + "/archive/" + stanza)).append(' ')
                .append(q(p + "/backup/" + stanza)).append(" && ").append(create).append("; }"));
        // info exits 0 for a stanza that exists (with or without backups); status code 1 = missing stanza
        Command check = Command.shell(pgbackrest(conf, stanza) + " --output=json info | grep -q '\"status\":{\"code\":[02],'")
                .user(user).timeout(Duration.ofMinutes(2)).build();
        return Steps.command("backup:stanza", "pgBackRest stanza " + stanza + " exists and matches the database", check,
                Command.shell(apply.toString()).user(user).timeout(Duration.ofMinutes(5)).build());
    }

    /**
     * @param stanza stanza
     * @param user   OS user
     * @param conf   configuration
     * @return {@code pgbackrest check}: the archive command works and the repository is writable
     */
    public static Step check(String stanza, String user, String conf) {
        Command c = Command.shell(pgbackrest(conf, stanza) + " --archive-timeout=60 check").user(user)
                .timeout(Duration.ofMinutes(3)).build();
        return Steps.verify("backup:check", "pgbackrest check of " + stanza + " (WAL reaches the archive, repo writable)", c);
    }

    static String lastLine(ExecResult r) {
        String s = (r.stderr() + "\n" + r.stdout()).strip();
        String[] l = s.split("\n");
        StringBuilder b = new StringBuilder();
        for (String x : l) {
            if (x.contains("ERROR") || x.contains("error")) {
                b.append(x.strip()).append("; ");
            }
        }
        return b.length() > 0 ? b.toString() : l[l.length - 1];
    }

    /**
     * @param stanza stanza
     * @param user   OS user
     * @param conf   configuration
     * @return a first full backup, when the stanza has none
     */
    public static Step initialBackup(String stanza, String user, String conf) {
        Command check = Command.shell(pgbackrest(conf, stanza) + " --output=json info | grep -q '\"status\":{\"code\":0,'")
                .user(user).timeout(Duration.ofMinutes(2)).build();
        return Steps.command("backup:initial", "a first full backup of " + stanza, check,
                Command.shell(pgbackrest(conf, stanza) + " --type=full backup").user(user).timeout(Duration.ofHours(6)).build());
    }

    /**
     * Archiving fails until the stanza exists (Patroni starts the primary first); once the stanza
     * and {@code check} pass, the archiver's counters start from zero so {@code failed_count}
     * reports failures of a working setup only.
     *
     * @param stanza stanza
     * @param dbsu   database superuser
     * @param r      the primary's vars
     * @return the step
     */
    public static Step resetArchiver(String stanza, String dbsu, Resolved r) {
        String psql = "psql -X -A -t -h " + q(r.get(Params.PG_LOCALHOST)) + " -p " + r.get(Params.PG_PORT) + " -d postgres -c ";
        Command check = Command.shell("[ \"$(" + psql + q("select failed_count = 0 or (last_archived_time > last_failed_time)"
                + " from pg_stat_archiver") + ")\" = t ]").user(dbsu).build();
        return Steps.command("backup:archiver-reset", "pg_stat_archiver counts failures only since " + stanza + " exists",
                check, Command.shell(psql + q("select pg_stat_reset_shared('archiver')")).user(dbsu).build());
    }

    /**
     * @param stanza  stanza
     * @param type    full, diff or incr
     * @param user    OS user
     * @param command the backup command line
     * @return a backup (always a change: each run makes one)
     */
    public static Step backup(String stanza, BackupType type, String user, String command) {
        return Steps.command("backup:" + type.value(), "pgBackRest " + type.value() + " backup of " + stanza,
                Command.shell("false").build(), Command.shell(command).user(user).timeout(Duration.ofHours(6)).build());
    }
}
