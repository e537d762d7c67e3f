package io.pigsty.monitor.internal;

import java.util.List;
import java.util.Set;

/**
 * What the precheck learned about one connection; the planner's only input besides the config.
 *
 * @param version    server_version_num (PgBouncer: major*10000+minor*100+patch)
 * @param recovery   pg_is_in_recovery()
 * @param datname    connected database
 * @param user       connected user
 * @param databases  databases that accept connections (for discovery)
 * @param extensions extensions installed in the connected database
 * @param schemas    schemas of the connected database
 * @param pgbouncer  the target is PgBouncer's admin console
 */
public record ServerInfo(int version, boolean recovery, String datname, String user, List<String> databases,
                         Set<String> extensions, Set<String> schemas, boolean pgbouncer) {
    /** Copies the collections. */
    public ServerInfo {
        databases = List.copyOf(databases);
        extensions = Set.copyOf(extensions);
        schemas = Set.copyOf(schemas);
    }
}
