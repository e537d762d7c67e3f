package io.pigsty.ha.internal;

import io.pigsty.api.exec.Command;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.Steps;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * etcd's RBAC the way Pigsty v4 sets it up (roles/etcd {@code etcd_auth}, roles/pgsql
 * {@code pg_etcd}): a root user with {@code etcd_root_password}, and per PG cluster a user and a
 * role of the cluster's name whose only permission is read/write on {@code <pg_namespace>/<cls>/}.
 * Every password reaches etcdctl through stdin (read by the shell, handed over in etcdctl's
 * environment or a here-document), never in an argument list or a rendered plan.
 */
public final class EtcdAuth {
    /** Pigsty's file of the root password on every etcd member (0600 here: only root reads it). */
    public static final String ROOT_PASS_FILE = "/etc/etcd/etcd.pass";
    private static final String ETCD_ENV = "export ETCDCTL_API=3 ETCDCTL_DIAL_TIMEOUT=3s ETCDCTL_COMMAND_TIMEOUT=10s";

    private EtcdAuth() {
    }

    /**
     * @param inv inventory
     * @return whether etcd runs with authentication ({@code etcd_auth_enabled}, Pigsty's default on)
     */
    public static boolean enabled(Inventory inv) {
        return inv.etcd().isPresent() && inv.resolveGlobal().get(Params.ETCD_AUTH_ENABLED);
    }

    /**
     * @param c cluster
     * @return its etcd user and role: the cluster's name (Patroni's scope)
     */
    public static String user(PgCluster c) {
        return c.name();
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @return {@code pg_etcd_password}, the cluster's name when empty (Pigsty's default)
     */
    public static Secret password(Inventory inv, PgCluster c) {
        Secret s = inv.resolve(c).get(Params.PG_ETCD_PASSWORD);
        return s.isEmpty() ? Secret.of(c.name()) : s;
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @return the cluster's keys, {@code /pg/pg-test/}
     */
    public static String prefix(Inventory inv, PgCluster c) {
        return Names.dcsPrefix(inv.resolve(c).get(Params.PG_NAMESPACE), c.name());
    }

    /**
     * An etcdctl call of a PG member, as the cluster's user when auth is on: the password comes on
     * stdin into etcdctl's environment.
     *
     * @param inv  inventory
     * @param c    cluster
     * @param tls  etcd serves TLS
     * @param args etcdctl's arguments, already quoted for the shell
     * @return a shell fragment (no stdin is set: see {@link #withPassword})
     */
    public static String etcdctl(Inventory inv, PgCluster c, boolean tls, String args) {
        String creds = enabled(inv) ? "ETCDCTL_USER=" + ShellQuote.quote(user(c)) + " ETCDCTL_PASSWORD=\"$pw\" " : "";
        return "ETCDCTL_API=3 " + creds + "etcdctl " + HaSupport.etcdctlOptions(inv, tls) + " " + args;
    }

    /**
     * @param inv    inventory
     * @param c      cluster
     * @param script a script using {@link #etcdctl}
     * @return the command: with auth on, the script first reads the cluster's password from stdin
     */
    public static Command withPassword(Inventory inv, PgCluster c, String script) {
        if (!enabled(inv)) {
            return Command.shell(script).build();
        }
        return Command.shell("IFS= read -r pw; " + script).stdin(password(inv, c).reveal() + "\n").build();
    }

    private static String endpointEnv(String endpoints, boolean tls) {
        return ETCD_ENV + " ETCDCTL_ENDPOINTS=" + ShellQuote.quote(endpoints)
                + (tls ? " ETCDCTL_CACERT=" + HaSupport.ETCD_CERT_DIR + "/ca.crt ETCDCTL_CERT=" + HaSupport.ETCD_CERT_DIR
                        + "/server.crt ETCDCTL_KEY=" + HaSupport.ETCD_CERT_DIR + "/server.key" : "") + "\n";
    }

    private static byte[] lines(Secret... secrets) {
        StringBuilder sb = new StringBuilder();
        for (Secret s : secrets) {
            sb.append(s.reveal()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** as root; etcd ignores the credentials while auth is off. */
    private static final String ROOT_FN = "r() { ETCDCTL_USER=root ETCDCTL_PASSWORD=\"$rootpw\" etcdctl \"$@\"; }\n"
            + "on() { r auth status 2>/dev/null | grep -qx 'Authentication Status: true'; }\n";

    /**
     * Auth enabled on a running etcd, idempotently: check passes when auth is on and root accepts
     * the password; apply adds (or resets) root while auth is off, grants it the root role and
     * enables auth; when auth is on and root refuses the password it tries the one the last apply
     * left in {@link #ROOT_PASS_FILE} and changes it, and otherwise fails saying so.
     *
     * @param endpoints etcdctl endpoints (the member's own)
     * @param tls       etcd serves TLS
     * @param passFile  the member's root password file
     * @param root      etcd_root_password
     * @return the step {@code etcd:auth}
     */
    public static Step enable(String endpoints, boolean tls, String passFile, Secret root) {
        String head = "IFS= read -r rootpw\n" + endpointEnv(endpoints, tls) + ROOT_FN;
        String check = head + "on && r user get root 2>/dev/null | grep -q '^Roles:.* root\\( \\|$\\)'";
        String pf = ShellQuote.quote(passFile);
        String apply = "set -e\n" + head
                + "if on; then :\n"
                + "elif etcdctl auth status 2>/dev/null | grep -qx 'Authentication Status: false'; then\n"
                + "  if etcdctl user get root >/dev/null 2>&1; then etcdctl user passwd root --interactive=false >/dev/null <<PIGSTY_EOF\n"
                + "$rootpw\nPIGSTY_EOF\n"
                + "  else etcdctl user add root --interactive=false >/dev/null <<PIGSTY_EOF\n$rootpw\nPIGSTY_EOF\n  fi\n"
                + "  etcdctl role get root >/dev/null 2>&1 || etcdctl role add root >/dev/null\n"
                + "  etcdctl user grant-role root root >/dev/null\n"
                + "  etcdctl auth enable >/dev/null\n"
                + "elif [ -r " + pf + " ] && old=\"$(cat " + pf + ")\" && ETCDCTL_USER=root ETCDCTL_PASSWORD=\"$old\" etcdctl auth status "
                + ">/dev/null 2>&1; then\n"
                + "  ETCDCTL_USER=root ETCDCTL_PASSWORD=\"$old\" etcdctl user passwd root --interactive=false >/dev/null <<PIGSTY_EOF\n"
                + "$rootpw\nPIGSTY_EOF\n"
                + "else echo 'etcd has auth enabled and its root user refuses etcd_root_password (and " + passFile
                + "): set the password etcd has, or change it there with etcdctl user passwd root' >&2; exit 1\nfi\n"
                + "on";
        return Steps.command("etcd:auth", "etcd authentication enabled, root with etcd_root_password",
                Command.shell(check).stdin(lines(root)).timeout(Duration.ofMinutes(1)).build(),
                Command.shell(apply).stdin(lines(root)).timeout(Duration.ofMinutes(2)).build());
    }

    /**
     * Auth disabled (an inventory with {@code etcd_auth_enabled: false}) on a running etcd.
     *
     * @param endpoints etcdctl endpoints
     * @param tls       etcd serves TLS
     * @param root      etcd_root_password, to disable with
     * @return the step {@code etcd:auth}
     */
    public static Step disable(String endpoints, boolean tls, Secret root) {
        String head = "IFS= read -r rootpw\n" + endpointEnv(endpoints, tls) + ROOT_FN;
        String check = head + "etcdctl auth status 2>/dev/null | grep -qx 'Authentication Status: false'";
        return Steps.command("etcd:auth", "etcd authentication disabled (etcd_auth_enabled: false)",
                Command.shell(check).stdin(lines(root)).timeout(Duration.ofMinutes(1)).build(),
                Command.shell("set -e\n" + head + "r auth disable >/dev/null").stdin(lines(root)).timeout(Duration.ofMinutes(1))
                        .build());
    }

    /**
     * The cluster's user and role (Pigsty's {@code pg_etcd}), run on an etcd member as root:
     * converged when the role grants exactly read/write on the prefix, the user has exactly that
     * role and (with auth on) accepts the password; apply recreates a role that differs, sets the
     * password, and revokes other roles.
     *
     * @param endpoints etcdctl endpoints
     * @param tls       etcd serves TLS
     * @param user      user and role name
     * @param prefix    its keys, {@code /pg/pg-test/}
     * @param root      etcd_root_password
     * @param password  the cluster's password
     * @return the step {@code etcd:user:<user>}
     */
    public static Step clusterUser(String endpoints, boolean tls, String user, String prefix, Secret root, Secret password) {
        String end = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
        String range = "\t[" + prefix + ", " + end + ") (prefix " + prefix + ")";
        String role = "Role " + user + "\nKV Read:\n" + range + "\nKV Write:\n" + range;
        String u = ShellQuote.quote(user);
        String p = ShellQuote.quote(prefix);
        String head = "IFS= read -r rootpw; IFS= read -r pw\n" + endpointEnv(endpoints, tls) + ROOT_FN
                + "role=" + ShellQuote.quote(role) + "\n"
                + "mine() { ETCDCTL_USER=" + u + " ETCDCTL_PASSWORD=\"$pw\" etcdctl get --keys-only --limit=1 " + p
                + " >/dev/null 2>&1; }\n";
        String check = head + "[ \"$(r role get " + u + " 2>/dev/null)\" = \"$role\" ] && [ \"$(r user get " + u
                + " 2>/dev/null)\" = " + ShellQuote.quote("User: " + user + "\nRoles: " + user) + " ] && { ! on || mine; }";
        String apply = "set -e\n" + head
                + "if [ \"$(r role get " + u + " 2>/dev/null)\" != \"$role\" ]; then\n"
                + "  r role delete " + u + " >/dev/null 2>&1 || true\n"
                + "  r role add " + u + " >/dev/null\n"
                + "  r role grant-permission " + u + " --prefix=true readwrite " + p + " >/dev/null\nfi\n"
                + "if ! r user get " + u + " >/dev/null 2>&1; then r user add " + u + " --interactive=false >/dev/null <<PIGSTY_EOF\n"
                + "$pw\nPIGSTY_EOF\n"
                + "elif ! on || ! mine; then r user passwd " + u + " --interactive=false >/dev/null <<PIGSTY_EOF\n$pw\nPIGSTY_EOF\nfi\n"
                + "for x in $(r user get " + u + " | sed -n 's/^Roles: //p'); do [ \"$x\" = " + u + " ] || r user revoke-role " + u
                + " \"$x\" >/dev/null; done\n"
                + "r user get " + u + " | grep -q '^Roles:.* " + user + "\\( \\|$\\)' || r user grant-role " + u + " " + u
                + " >/dev/null\n";
        return Steps.command("etcd:user:" + user, "etcd user and role " + user + ": read/write on " + prefix + " only",
                Command.shell(check).stdin(lines(root, password)).timeout(Duration.ofMinutes(1)).build(),
                Command.shell(apply).stdin(lines(root, password)).timeout(Duration.ofMinutes(2)).build());
    }
}
