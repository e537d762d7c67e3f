package io.pigsty.ha.backup;

import io.pigsty.model.BackupRepo;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import java.util.Optional;

/**
 * The derived names and commands of BACKUP, one function each, so that Patroni's
 * {@code archive_command}, the crontab, the plans and the tests agree: the stanza is the cluster
 * name, WAL goes through {@code archive-push}, replicas fetch it with {@code archive-get}.
 */
public final class Backup {
    /** pgBackRest's configuration file on every host. */
    public static final String CONF = "/etc/pgbackrest/pgbackrest.conf";
    /** The pgBackRest binary of Debian's package. */
    public static final String BIN = "/usr/bin/pgbackrest";
    /** Spool directory of asynchronous archiving (Pigsty's). */
    public static final String SPOOL = "/pg/spool";
    /** The backup script cron entries call (Pigsty's path); it refuses to run on a replica. */
    public static final String BACKUP_SCRIPT = "/pg/bin/pg-backup";
    /** OS user that owns the central repository on the infra node. */
    public static final String REPO_USER = "pgbackrest";
    /** systemd unit of pgBackRest's TLS server (central repository). */
    public static final String SERVER_UNIT = "pgbackrest-server";

    /**
     * Log directory of the central repository host: its own, since the infra node may also run a
     * member whose pgBackRest (as {@code postgres}) logs to {@code pgbackrest_log_dir}.
     */
    public static final String REPO_LOG_DIR = "/var/log/pgbackrest-repo";
    /** Lock directory of the central repository host, apart from a member's ({@code /tmp/pgbackrest}) for the same reason. */
    public static final String REPO_LOCK_DIR = "/tmp/pgbackrest-repo";
    /** The central repository host's own configuration (apart from a member's, should the node also run PostgreSQL). */
    public static final String REPO_CONF = "/etc/pgbackrest/repo.conf";
    /** Directory of the TLS material on every host; the CA and issued certificates live here on the repository host. */
    public static final String TLS_DIR = "/etc/pgbackrest/tls";
    /** The repository host's certificate. */
    public static final String REPO_CERT = TLS_DIR + "/repo.crt";
    /** The repository host's key. */
    public static final String REPO_KEY = TLS_DIR + "/repo.key";
    /** Where the repository host keeps the certificates it issued, one pair per address. */
    public static final String ISSUED_DIR = TLS_DIR + "/issued";

    private Backup() {
    }

    /**
     * @param cluster cluster name
     * @return its stanza: the cluster name, as in Pigsty
     */
    public static String stanza(String cluster) {
        return cluster;
    }

    /**
     * @param cluster cluster name
     * @return Pigsty's {@code archive_command}
     */
    public static String archiveCommand(String cluster) {
        return "pgbackrest --stanza=" + stanza(cluster) + " archive-push %p";
    }

    /**
     * @param cluster the cluster whose archive holds the WAL (the source, for a clone)
     * @return the {@code restore_command} that fetches WAL a replica no longer finds on its upstream
     */
    public static String restoreCommand(String cluster) {
        return "pgbackrest --stanza=" + stanza(cluster) + " archive-get %f \"%p\"";
    }

    /**
     * @param cluster cluster name
     * @return the cron file of the cluster's {@code pg_crontab}
     */
    public static String cronFile(String cluster) {
        return "/etc/cron.d/pigsty-" + cluster;
    }

    /**
     * @param r the cluster's resolved vars
     * @return the repository in use ({@code pgbackrest_repo[pgbackrest_method]})
     * @throws PigstyException when the method names no repository (validation reports it first)
     */
    public static BackupRepo repo(Resolved r) {
        String m = r.get(Params.PGBACKREST_METHOD);
        BackupRepo repo = r.get(Params.PGBACKREST_REPO).get(m);
        if (repo == null) {
            throw new PigstyException("pgbackrest_method '" + m + "' is not a repository of pgbackrest_repo");
        }
        return repo;
    }

    /**
     * @param inv the inventory
     * @param c   a cluster
     * @return the address of the repository host when the cluster's repository is a central one
     */
    public static Optional<String> repoHost(Inventory inv, PgCluster c) {
        Resolved r = inv.resolve(c);
        if (!r.get(Params.PGBACKREST_ENABLED)) {
            return Optional.empty();
        }
        return repo(r).host().map(h -> h.equals(BackupRepo.CENTRAL_HOST_INFRA)
                ? inv.infra().flatMap(g -> g.nodes().stream().findFirst()).map(Node::ip).orElseThrow(
                        () -> new PigstyException("pgbackrest_repo host 'infra' needs an infra group"))
                : h);
    }
}
