package io.pigsty.model.internal;

import io.pigsty.model.Inventory;
import io.pigsty.model.Param;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Secret;
import io.pigsty.model.Vars;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Rules of etcd's authentication (issue 15): with {@code etcd_auth_enabled} (Pigsty v4 always
 * enables RBAC) etcd's root needs {@code etcd_root_password}, and each cluster's user its
 * {@code pg_etcd_password} (empty: the cluster name, Pigsty's default). etcdctl reads a password
 * from stdin up to the first blank, so a password with a blank or a control character would be
 * set cut short; such a password is refused at its key. The switch and the root password are
 * global (every member and every cluster's Patroni must agree); a cluster's password is one per
 * cluster. Called once by {@link Validator}.
 */
final class EtcdRules {
    private final Findings f;
    private final Predicate<String> wellTyped;
    private final BiFunction<PgCluster, String, String> where;

    EtcdRules(Findings f, Predicate<String> wellTyped, BiFunction<PgCluster, String, String> where) {
        this.f = f;
        this.wellTyped = wellTyped;
        this.where = where;
    }

    void check(Inventory inv, boolean sandbox) {
        for (Map.Entry<String, Vars> level : InventoryCodec.levels(inv)) {
            if (level.getKey().equals("all.vars")) {
                continue;
            }
            for (Param<?> p : List.of(Params.ETCD_AUTH_ENABLED, Params.ETCD_ROOT_PASSWORD)) {
                if (level.getValue().has(p.name())) {
                    f.error(level.getKey() + "." + p.name(), "is global: set it in all.vars (etcd's members and the Patroni of "
                            + "every cluster must agree on it)");
                }
            }
        }
        for (PgCluster c : inv.clusters()) {
            for (PgInstance i : c.instances()) {
                if (i.vars().has(Params.PG_ETCD_PASSWORD.name())) {
                    f.error("all.children." + c.name() + ".hosts." + i.ip() + "." + Params.PG_ETCD_PASSWORD.name(),
                            "is a cluster key: every member of " + c.name() + " uses the cluster's one etcd user; set it in "
                                    + "all.children." + c.name() + ".vars");
                }
            }
        }
        if (!wellTyped.test("all.vars") || inv.etcd().isEmpty() || !inv.resolveGlobal().get(Params.ETCD_AUTH_ENABLED)) {
            return;
        }
        Secret root = inv.resolveGlobal().get(Params.ETCD_ROOT_PASSWORD);
        String rootPath = "all.vars." + Params.ETCD_ROOT_PASSWORD.name();
        if (root.isEmpty()) {
            f.error(rootPath, "missing: etcd's root user needs a password while etcd_auth_enabled is true (the SDK "
                    + "enables auth with it and creates each cluster's user); set one or etcd_auth_enabled: false");
        } else {
            unfit(root).ifPresent(why -> f.error(rootPath, why));
            if (!sandbox && root.equals(Params.ETCD_ROOT_PASSWORD.defaultValue().orElseThrow())) {
                f.warn(rootPath, "keeps Pigsty's default password for etcd's root user outside the sandbox: set your own "
                        + "or use Inventory.withGeneratedPasswords()");
            }
        }
        for (PgCluster c : inv.clusters()) {
            String path = where.apply(c, Params.PG_ETCD_PASSWORD.name());
            if (!wellTyped.test(path.substring(0, path.lastIndexOf('.')))) {
                continue;
            }
            Secret pw = inv.resolve(c).get(Params.PG_ETCD_PASSWORD);
            if (pw.isEmpty() || pw.reveal().equals(c.name())) {
                if (!sandbox) {
                    f.warn(path, "the etcd user of " + c.name() + " has the cluster's name as password (Pigsty's default, "
                            + "its issue #708) outside the sandbox: set pg_etcd_password or use Inventory.withGeneratedPasswords()");
                }
            } else {
                unfit(pw).ifPresent(why -> f.error(path, why));
            }
        }
    }

    /**
     * @param pw a password
     * @return why etcdctl could not set it, empty when it can
     */
    static Optional<String> unfit(Secret pw) {
        String s = pw.reveal();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isWhitespace(ch) || Character.isISOControl(ch) || Character.isSpaceChar(ch)) {
                return Optional.of("has a blank or a control character at position " + (i + 1) + ": etcdctl reads a "
                        + "password from stdin up to the first blank, so etcd would get a shorter one than Patroni");
            }
        }
        return Optional.empty();
    }
}
