package io.pigsty.model.internal;

import io.pigsty.model.BackupRepo;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.Resolved;
import io.pigsty.model.Severity;
import io.pigsty.model.Violation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the backup keys ({@code pgbackrest_*}, {@code pg_crontab}, {@code pg_pitr},
 * {@code pg_clone_*}) of one cluster: the repository in use exists and is complete, a central
 * repository names an infra node, crontab lines are cron lines, a clone reads a repository its
 * members can reach.
 */
public final class BackupRules {
    private static final Pattern OPTION = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern CRON_FIELD = Pattern.compile("[0-9*/,A-Za-z-]+");
    private static final Set<String> CRON_AT = Set.of("@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");
    private static final Set<String> S3_REQUIRED = Set.of("s3_bucket", "s3_endpoint", "s3_region");

    private BackupRules() {
    }

    /**
     * @param inv the inventory
     * @param c   the cluster
     * @param r   its resolved vars (well typed)
     * @param out where findings go
     */
    public static void check(Inventory inv, PgCluster c, Resolved r, List<Violation> out) {
        if (r.get(Params.PGBACKREST_ENABLED)) {
            checkRepo(inv, c, r, out);
        } else if (r.find(Params.PG_CLONE_FROM).isPresent()) {
            out.add(err(where(inv, c, "pg_clone_from"), "a clone restores with pgBackRest: pgbackrest_enabled must be true"));
        }
        List<String> cron = r.get(Params.PG_CRONTAB);
        for (int i = 0; i < cron.size(); i++) {
            String line = cron.get(i).strip();
            String[] f = line.split("\\s+");
            boolean ok = f.length >= 2 && CRON_AT.contains(f[0]);
            if (!ok && f.length >= 6) {
                ok = true;
                for (int k = 0; k < 5; k++) {
                    ok &= CRON_FIELD.matcher(f[k]).matches();
                }
            }
            if (!ok || line.contains("\n")) {
                out.add(err(where(inv, c, "pg_crontab") + "[" + i + "]", "'" + line
                        + "' is not a crontab line (five schedule fields or @daily etc., then the command)"));
            }
        }
        r.find(Params.PG_CLONE_FROM).ifPresent(src -> {
            if (src.equals(c.name())) {
                out.add(err(where(inv, c, "pg_clone_from"), "a cluster cannot be cloned from itself"));
            }
            if (!Validator.CLUSTER_NAME.matcher(src).matches()) {
                out.add(err(where(inv, c, "pg_clone_from"), "'" + src + "' is not a cluster name"));
            }
        });
        if (r.get(Params.PG_CLONE_STANDBY) && r.find(Params.PG_CLONE_FROM).isEmpty()) {
            out.add(err(where(inv, c, "pg_clone_standby"), "a standby clone needs pg_clone_from (the source cluster)"));
        }
        if (r.find(Params.PG_CLONE_TARGET).isPresent() && r.find(Params.PG_CLONE_FROM).isEmpty()) {
            out.add(err(where(inv, c, "pg_clone_target"), "a clone target needs pg_clone_from (the source cluster)"));
        }
        if (r.get(Params.PG_CLONE_STANDBY) && r.find(Params.PG_CLONE_TARGET).isPresent()) {
            out.add(err(where(inv, c, "pg_clone_target"), "a standby clone follows its source: it takes no recovery target"));
        }
    }

    private static void checkRepo(Inventory inv, PgCluster c, Resolved r, List<Violation> out) {
        String method = r.get(Params.PGBACKREST_METHOD);
        Map<String, BackupRepo> repos = r.get(Params.PGBACKREST_REPO);
        BackupRepo repo = repos.get(method);
        if (repo == null) {
            out.add(err(where(inv, c, "pgbackrest_method"), "'" + method + "' is not a repository of pgbackrest_repo "
                    + repos.keySet()));
            return;
        }
        String rp = where(inv, c, "pgbackrest_repo") + "." + method;
        for (String k : repo.options().keySet()) {
            if (!OPTION.matcher(k).matches()) {
                out.add(err(rp + "." + k, "not a pgBackRest repository option name (lowercase words joined by _)"));
            }
            if (k.startsWith("repo")) {
                out.add(err(rp + "." + k, "write repository options without the repoN prefix (path, not repo1_path)"));
            }
        }
        repo.options().forEach((k, v) -> {
            if (v.contains("\n")) {
                out.add(err(rp + "." + k, "a value must be one line"));
            }
        });
        String type = repo.options().getOrDefault("type", "posix");
        if (BackupRepo.Type.parse(type).isEmpty()) {
            out.add(err(rp + ".type", "'" + type + "' is not one of posix, s3, cifs, azure, gcs, sftp"));
        }
        String rt = repo.retentionFullType();
        if (!rt.equals("count") && !rt.equals("time")) {
            out.add(err(rp + ".retention_full_type", "'" + rt + "' is not count or time"));
        }
        repo.retentionFull().ifPresent(v -> {
            if (!v.matches("[1-9][0-9]{0,6}")) {
                out.add(err(rp + ".retention_full", "'" + v + "' is not a positive whole number"));
            }
        });
        if (repo.retentionFull().isEmpty()) {
            out.add(new Violation(rp + ".retention_full", "not set: pgBackRest keeps every full backup and warns on each run",
                    Severity.WARNING));
        }
        String cipher = repo.cipherType();
        if (!cipher.equals("none") && !cipher.equals("aes-256-cbc")) {
            out.add(err(rp + ".cipher_type", "'" + cipher + "' is not none or aes-256-cbc"));
        } else if (cipher.equals("aes-256-cbc") && !repo.secrets().containsKey("cipher_pass")) {
            out.add(err(rp + ".cipher_pass", "missing: cipher_type aes-256-cbc needs cipher_pass"));
        }
        if (repo.type() == BackupRepo.Type.S3) {
            for (String k : S3_REQUIRED) {
                if (!repo.options().containsKey(k)) {
                    out.add(err(rp + "." + k, "missing: an s3 repository needs " + k));
                }
            }
            boolean auto = "auto".equals(repo.options().get("s3_key_type"));
            if (!auto && (!repo.secrets().containsKey("s3_key") || !repo.secrets().containsKey("s3_key_secret"))) {
                out.add(err(rp + ".s3_key", "missing: an s3 repository needs s3_key and s3_key_secret (or s3_key_type: auto)"));
            }
        }
        repo.host().ifPresent(h -> {
            String ht = repo.options().getOrDefault("host_type", "ssh");
            if (!ht.equals("tls")) {
                out.add(err(rp + ".host_type", "'" + ht + "': the central repository is reached over pgBackRest's TLS server"
                        + " only (host_type: tls)"));
            }
            List<String> infra = inv.infra().map(g -> g.nodes().stream().map(Node::ip).toList()).orElse(List.of());
            if (h.equals(BackupRepo.CENTRAL_HOST_INFRA)) {
                if (infra.isEmpty()) {
                    out.add(err(rp + ".host", "'infra' names the infra node, but the inventory has no infra group"));
                }
            } else if (!infra.contains(h)) {
                out.add(err(rp + ".host", "'" + h + "' is not an infra node " + infra
                        + ": the central repository lives on an infra node the SDK deploys"));
            }
            if (repo.type() != BackupRepo.Type.POSIX) {
                out.add(err(rp + ".type", "a repository host keeps a posix repository (type " + repo.type().value() + ")"));
            }
            String hostIp = h.equals(BackupRepo.CENTRAL_HOST_INFRA) && !infra.isEmpty() ? infra.get(0) : h;
            if (c.instances().stream().anyMatch(i -> i.ip().equals(hostIp))) {
                out.add(err(rp + ".host", "the repository host " + hostIp + " is a member of " + c.name()
                        + ": losing that node would lose backups and WAL with it"));
            }
        });
        if (r.find(Params.PG_CLONE_FROM).isPresent() && !repo.offHost()) {
            out.add(err(where(inv, c, "pg_clone_from"), "a clone reads the source's backups from a shared repository, but '"
                    + method + "' is a posix repository on each member: use the central repository or object storage"));
        }
    }

    private static Violation err(String path, String reason) {
        return new Violation(path, reason, Severity.ERROR);
    }

    private static String where(Inventory inv, PgCluster c, String key) {
        String cp = "all.children." + c.name() + ".vars";
        if (c.vars().has(key)) {
            return cp + "." + key;
        }
        return inv.vars().has(key) ? "all.vars." + key : cp + "." + key;
    }
}
