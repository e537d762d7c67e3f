package io.pigsty.ha.backup.internal;

import io.pigsty.ha.backup.Backup;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PitrTarget;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Patroni's file needs from BACKUP, read from the typed backup keys: the restore command
 * for replicas that fall behind the primary's WAL, pgBackRest as a replica method when the
 * repository is shared, and the bootstrap of a clone (a restore of another cluster's stanza,
 * optionally kept as a standby cluster of it).
 */
public final class PatroniBackup {
    private PatroniBackup() {
    }

    /**
     * @param inv the inventory
     * @param c   cluster
     * @param i   member
     * @return the {@code pgbackrest} model of {@code patroni.yml.ftl}
     */
    public static Map<String, Object> model(Inventory inv, PgCluster c, PgInstance i) {
        Resolved r = inv.resolve(c, i);
        Map<String, Object> m = new LinkedHashMap<>();
        boolean on = r.get(Params.PGBACKREST_ENABLED);
        m.put("enabled", on);
        if (!on) {
            return m;
        }
        Optional<String> src = r.find(Params.PG_CLONE_FROM);
        boolean standby = src.isPresent() && r.get(Params.PG_CLONE_STANDBY);
        String data = r.get(Params.PG_DATA);
        // a standby clone's members keep fetching the source's WAL; everyone else their own
        String walStanza = standby ? src.get() : c.name();
        m.put("restore_command", yaml(Backup.restoreCommand(walStanza)));
        // with a posix repository on each member a replica's own repo lacks the primary's backups
        m.put("replica_method", Backup.repo(r).offHost());
        m.put("replica_command", yaml(Backup.BIN + " --stanza=" + walStanza + " --pg1-path=" + data + " --delta restore"
                + (standby ? " --type=standby" : "")));
        m.put("clone", src.isPresent() && !standby);
        m.put("standby", standby);
        if (src.isPresent()) {
            PitrTarget t = r.find(Params.PG_CLONE_TARGET).orElse(PitrTarget.latest());
            m.put("clone_command", yaml(Backup.BIN + " --stanza=" + src.get() + " --pg1-path=" + data + " --delta "
                    + String.join(" ", BackupFiles.restoreArgs(t)) + " restore"));
            if (standby) {
                PgCluster source = inv.cluster(src.get()).orElseThrow(() -> new PigstyException("pg_clone_standby: the "
                        + "source cluster " + src.get() + " must be in the inventory (its primary is the upstream)"));
                PgInstance p = source.primary().orElseThrow(() -> new PigstyException(src.get() + " has no primary"));
                m.put("standby_host", p.ip());
                m.put("standby_port", inv.resolve(source, p).get(Params.PG_PORT));
            }
        }
        return m;
    }

    /** Single-quoted YAML doubles its quotes. */
    private static String yaml(String s) {
        return s.replace("'", "''");
    }
}
