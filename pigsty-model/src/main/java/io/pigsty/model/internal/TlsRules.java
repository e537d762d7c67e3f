package io.pigsty.model.internal;

import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Severity;
import io.pigsty.model.Vars;
import io.pigsty.model.Violation;
import java.util.List;

/**
 * Rules of TLS on the deployment's links (issue 15): {@code pgbouncer_sslmode} is one of
 * PgBouncer's {@code client_tls_sslmode} values, wherever it is set. Whether the certificate it
 * needs is issued depends on the modules of the plan (PKI), so that is checked when planning.
 * Called once by {@link Validator}.
 */
public final class TlsRules {
    /** PgBouncer's {@code client_tls_sslmode} values. */
    public static final List<String> PGBOUNCER_SSLMODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    private TlsRules() {
    }

    /**
     * @param inv the inventory
     * @param out where findings go
     */
    public static void check(Inventory inv, List<Violation> out) {
        sslmode("all.vars", inv.vars(), out);
        for (PgCluster c : inv.clusters()) {
            sslmode("all.children." + c.name() + ".vars", c.vars(), out);
            for (PgInstance i : c.instances()) {
                sslmode("all.children." + c.name() + ".hosts." + i.ip(), i.vars(), out);
            }
        }
    }

    private static void sslmode(String path, Vars vars, List<Violation> out) {
        String key = Params.PGBOUNCER_SSLMODE.name();
        vars.raw(key).map(String::valueOf).filter(v -> !PGBOUNCER_SSLMODES.contains(v)).ifPresent(v ->
                out.add(new Violation(path + "." + key, "'" + v + "' is not a PgBouncer client_tls_sslmode (one of "
                        + String.join(", ", PGBOUNCER_SSLMODES) + ")", Severity.ERROR)));
    }
}
