package io.pigsty.api.node.internal;

import io.pigsty.api.internal.Unvalidated;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.model.PigstyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shell scripts and package lists behind the NODE steps. Pure functions: every variable
 * part is quoted with {@link ShellQuote}, so the scripts are safe to show and to run.
 */
public final class NodeScripts {
    /** Where NODE writes the sysctl drop-in. */
    public static final String SYSCTL_FILE = "/etc/sysctl.d/pigsty.conf";
    /** Marker written once the Debian packages' default units and cluster are out of the way. */
    public static final String DEFAULTS_MARKER = "/etc/pigsty/debian-defaults-disabled";
    /** Debian units that start by themselves after install (sandbox.md section 6) and that our modules replace. */
    public static final List<String> DEBIAN_DEFAULT_UNITS =
            List.of("postgresql", "etcd", "pgbouncer", "haproxy", "patroni", "keepalived");

    private static final Pattern SYSCTL_KEY = Pattern.compile("^[a-z0-9_][a-z0-9_.\\-]*$");
    private static final Pattern SYSCTL_VALUE = Pattern.compile("^[A-Za-z0-9_.,:/ \\t+-]+$");

    private NodeScripts() {
    }

    /**
     * The Debian packages a node needs for its roles (nothing more).
     *
     * @param pgMember   member of a PG cluster
     * @param pgVip      the cluster uses an L2 VIP (keepalived)
     * @param etcdMember member of the etcd group
     * @param extra      {@code node_packages}
     * @return package names, de-duplicated, in a stable order
     */
    public static List<String> packages(boolean pgMember, boolean pgVip, boolean etcdMember, List<String> extra) {
        return packages(15, pgMember, pgVip, etcdMember, List.of(), extra);
    }

    /**
     * The Debian packages a node needs for its roles (nothing more).
     *
     * @param pgMajor    {@code pg_version}
     * @param pgMember   member of a PG cluster
     * @param pgVip      the cluster uses an L2 VIP (keepalived)
     * @param etcdMember member of the etcd group
     * @param pgExtra    the cluster's extension and pg_packages packages (from the catalog)
     * @param extra      {@code node_packages}
     * @return package names, de-duplicated, in a stable order
     */
    public static List<String> packages(int pgMajor, boolean pgMember, boolean pgVip, boolean etcdMember, List<String> pgExtra,
                                        List<String> extra) {
        Set<String> out = new LinkedHashSet<>();
        if (pgMember) {
            out.addAll(io.pigsty.model.PgLayout.serverPackages(pgMajor));
            out.addAll(List.of("patroni", "pgbouncer", "haproxy", "python3-psycopg2",
                    "python3-etcd")); // patroni prefers python3-consul among its DCS alternatives; etcd3 needs this
            out.addAll(pgExtra);
            if (pgVip) {
                out.add("keepalived");
            }
        }
        if (etcdMember) {
            out.addAll(List.of("etcd-server", "etcd-client"));
        }
        for (String p : extra) {
            if (!Pattern.matches("^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+:~-]+)?$", p)) {
                throw Unvalidated.at("node_packages", p);
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    /**
     * @param params {@code node_sysctl_params}
     * @return rows {@code key value} for {@code node/sysctl.conf.ftl}, sorted by key
     * @throws IllegalStateException for a key or value validation refuses (a bug)
     */
    public static List<Map<String, String>> sysctlRows(Map<String, ?> params) {
        List<Map<String, String>> rows = new ArrayList<>();
        params.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String k = e.getKey();
            String v = String.valueOf(e.getValue()).strip();
            if (!SYSCTL_KEY.matcher(k).matches()) {
                throw Unvalidated.at("node_sysctl_params", k);
            }
            if (!SYSCTL_VALUE.matcher(v).matches()) {
                throw Unvalidated.at("node_sysctl_params." + k, v);
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("key", k);
            m.put("value", v);
            rows.add(m);
        });
        return List.copyOf(rows);
    }

    private static String procPath(String key) {
        return "/proc/sys/" + key.replace('.', '/');
    }

    /**
     * @param rows from {@link #sysctlRows}
     * @return a read-only script exiting 0 when every writable key already has its value; keys
     *         the kernel exposes read-only here (a container's /proc/sys) are not counted
     */
    public static String sysctlCheck(List<Map<String, String>> rows) {
        StringBuilder s = new StringBuilder("rc=0\n");
        for (Map<String, String> r : rows) {
            String p = ShellQuote.quote(procPath(r.get("key")));
            s.append("if [ -w ").append(p).append(" ]; then [ \"$(echo $(cat ").append(p).append("))\" = ")
                    .append(ShellQuote.quote(r.get("value").replaceAll("\\s+", " "))).append(" ] || rc=1; fi\n");
        }
        return s.append("exit $rc\n").toString();
    }

    /**
     * Sets each key. A key whose /proc/sys file is read-only on this host (documented case:
     * containers such as the sandbox's nspawn nodes mount /proc/sys read-only) is reported on
     * stderr and skipped; any other failure (unknown key, rejected value) fails the step.
     *
     * @param rows from {@link #sysctlRows}
     * @return the apply script
     */
    public static String sysctlApply(List<Map<String, String>> rows) {
        StringBuilder s = new StringBuilder("set -e\n");
        for (Map<String, String> r : rows) {
            String p = ShellQuote.quote(procPath(r.get("key")));
            String kv = ShellQuote.quote(r.get("key") + "=" + r.get("value"));
            s.append("if [ ! -e ").append(p).append(" ]; then echo ").append(ShellQuote.quote("sysctl: unknown key " + r.get("key")))
                    .append(" >&2; exit 1; fi\n");
            s.append("if [ -w ").append(p).append(" ]; then sysctl -q -w ").append(kv)
                    .append("; else echo ").append(ShellQuote.quote("WARNING: sysctl " + r.get("key")
                            + " is read-only on this host (container?), left as is"))
                    .append(" >&2; fi\n");
        }
        return s.toString();
    }

    /**
     * @return a read-only script exiting 0 when the Debian defaults were already disabled
     */
    public static String defaultsCheck() {
        return "test -e " + ShellQuote.quote(DEFAULTS_MARKER);
    }

    /**
     * Stops and disables the units Debian's packages enabled at install time and drops the
     * default {@code 15/main} cluster, once per host: the marker keeps a later run from stopping
     * units that our own modules have enabled since.
     *
     * @return the apply script
     */
    public static String defaultsApply() {
        return defaultsApply(15);
    }

    /**
     * @param pgMajor {@code pg_version}: Debian creates cluster {@code <major>/main} at install
     * @return the apply script of {@link #defaultsApply()} for that version
     */
    public static String defaultsApply(int pgMajor) {
        StringBuilder s = new StringBuilder("set -e\n");
        s.append("for u in ").append(ShellQuote.join(DEBIAN_DEFAULT_UNITS)).append("; do\n")
                .append("  if systemctl cat \"$u.service\" >/dev/null 2>&1; then systemctl disable --now \"$u.service\"; fi\n")
                .append("done\n")
                .append("if command -v pg_lsclusters >/dev/null 2>&1 && [ -d /etc/postgresql/" + pgMajor + "/main ]; then pg_dropcluster --stop " + pgMajor + " main; fi\n")
                .append("mkdir -p /etc/pigsty\n")
                .append("touch ").append(ShellQuote.quote(DEFAULTS_MARKER)).append('\n');
        return s.toString();
    }

    /**
     * @param target {@code /data/postgres/<cls>-15}
     * @return a read-only script exiting 0 when {@code /pg} is already that symlink
     */
    public static String pgLinkCheck(String target) {
        return "[ -L /pg ] && [ \"$(readlink /pg)\" = " + ShellQuote.quote(target) + " ]";
    }

    /**
     * @param target {@code /data/postgres/<cls>-15}
     * @return a script pointing {@code /pg} at it, refusing to replace a real directory
     */
    public static String pgLinkApply(String target) {
        return "set -e\n"
                + "if [ -e /pg ] && [ ! -L /pg ]; then echo '/pg exists and is not a symlink: refusing to replace it' >&2; exit 1; fi\n"
                + "ln -sfn " + ShellQuote.quote(target) + " /pg\n";
    }

    /**
     * @param dbsu {@code pg_dbsu}
     * @return a read-only script exiting 0 when the OS user exists
     */
    public static String dbsuCheck(String dbsu) {
        return "id -u " + ShellQuote.quote(dbsu) + " >/dev/null 2>&1";
    }

    /**
     * @param dbsu {@code pg_dbsu}
     * @return a script creating the dbsu as Debian's postgresql-common would (system user, home /var/lib/postgresql)
     */
    public static String dbsuApply(String dbsu) {
        return dbsuApply(dbsu, "/var/lib/postgresql");
    }

    /**
     * @param dbsu {@code pg_dbsu}
     * @param home {@code pg_dbsu_home}
     * @return a script creating the dbsu as a system user with that home
     */
    public static String dbsuApply(String dbsu, String home) {
        String u = ShellQuote.quote(dbsu);
        return "set -e\n"
                + "getent group " + u + " >/dev/null || groupadd --system " + u + "\n"
                + "id -u " + u + " >/dev/null 2>&1 || useradd --system --gid " + u
                + " --home-dir " + ShellQuote.quote(home) + " --shell /bin/bash " + u + "\n";
    }

    /** Header that marks a crontab as written by the plan (Pigsty's words). */
    public static final String CRON_HEADER = "# Pigsty Managed Crontab";

    /**
     * @param dbsu    {@code pg_dbsu}
     * @param binDir  {@code pg_bin_dir}, first on PATH
     * @param entries {@code pg_crontab}
     * @return the dbsu's crontab, Pigsty's layout
     */
    public static String dbsuCrontab(String dbsu, String binDir, List<String> entries) {
        StringBuilder s = new StringBuilder(CRON_HEADER + " for " + dbsu + "\n")
                .append("SHELL=/bin/bash\n")
                .append("PATH=").append(binDir).append(":/pg/bin:/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin\n")
                .append("MAILTO=\"\"\n");
        entries.forEach(e -> s.append(e.strip()).append('\n'));
        return s.toString();
    }

    /**
     * @param entries {@code node_crontab} (system format, with the user field)
     * @return {@code /etc/cron.d/pigsty}
     */
    public static String nodeCrontab(List<String> entries) {
        StringBuilder s = new StringBuilder(CRON_HEADER + " (node_crontab)\n")
                .append("SHELL=/bin/bash\nPATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin\n");
        entries.forEach(e -> s.append(e.strip()).append('\n'));
        return s.toString();
    }

    /**
     * @param path a crontab file
     * @return read-only: exit 0 when no crontab written by the plan is there
     */
    public static String cronAbsentCheck(String path) {
        return "! grep -qsF " + ShellQuote.quote(CRON_HEADER) + " " + ShellQuote.quote(path);
    }

    /**
     * @param path a crontab file
     * @return removes it when the plan wrote it (entries removed from the inventory); a file of someone else stays
     */
    public static String cronRemove(String path) {
        return "if grep -qsF " + ShellQuote.quote(CRON_HEADER) + " " + ShellQuote.quote(path) + "; then rm -f "
                + ShellQuote.quote(path) + "; fi";
    }

    /**
     * @param link   the link ({@code /usr/pgsql})
     * @param target the version's home
     * @return read-only: exit 0 when the link is in place
     */
    public static String linkCheck(String link, String target) {
        return "[ -L " + ShellQuote.quote(link) + " ] && [ \"$(readlink " + ShellQuote.quote(link) + ")\" = " + ShellQuote.quote(target) + " ]";
    }

    /**
     * @param link   the link
     * @param target the version's home
     * @return points the link at the target, refusing to replace a real directory
     */
    public static String linkApply(String link, String target) {
        String l = ShellQuote.quote(link);
        return "set -e\n"
                + "if [ -e " + l + " ] && [ ! -L " + l + " ]; then echo " + ShellQuote.quote(link + " exists and is not a symlink: refusing to replace it") + " >&2; exit 1; fi\n"
                + "mkdir -p \"$(dirname " + l + ")\"\n"
                + "ln -sfn " + ShellQuote.quote(target) + " " + l + "\n";
    }
}
