package io.pigsty.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One entry of {@code pgbackrest_repo}, in Pigsty's shape: pgBackRest repository options with
 * {@code _} for {@code -} and without the {@code repoN-} prefix ({@code path},
 * {@code retention_full_type}, {@code s3_bucket}, {@code cipher_type}, ...). Credentials
 * ({@code cipher_pass}, {@code s3_key}, {@code s3_key_secret}, {@code s3_token}) are kept as
 * {@link Secret}. A repository with {@code host} is a remote repository host (pgBackRest's
 * {@code repo1-host}): the central repository of this SDK lives on the infra node.
 *
 * @param name    the key in {@code pgbackrest_repo} ({@code local}, {@code minio}, {@code central}, ...)
 * @param options plain options, in the order written
 * @param secrets credential options
 */
public record BackupRepo(String name, Map<String, String> options, Map<String, Secret> secrets) {
    /** Options whose values are credentials. */
    public static final Set<String> SECRET_OPTIONS = Set.of("cipher_pass", "s3_key", "s3_key_secret", "s3_token",
            "azure_key", "sftp_private_key_passphrase");

    /** Path of the default {@code central} repository on the repository host. */
    public static final String CENTRAL_PATH = "/var/lib/pgbackrest-repo";

    /** pgBackRest's repository storage types. */
    public enum Type {
        /** A file system path ({@code repo-type=posix}, pgBackRest's default). */
        POSIX,
        /** S3 or an S3-compatible store such as MinIO. */
        S3,
        /** A CIFS mount. */
        CIFS,
        /** Azure blob storage. */
        AZURE,
        /** Google cloud storage. */
        GCS,
        /** SFTP. */
        SFTP;

        /** @return the word pgBackRest uses */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * @param s a word
         * @return the type, empty when unknown
         */
        public static Optional<Type> parse(String s) {
            for (Type t : values()) {
                if (t.value().equals(s)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    /** Canonical constructor: copies, rejects nulls, keeps secrets out of the plain options. */
    public BackupRepo {
        Objects.requireNonNull(name, "name");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        secrets = Collections.unmodifiableMap(new TreeMap<>(secrets));
        for (String k : options.keySet()) {
            if (SECRET_OPTIONS.contains(k)) {
                throw new IllegalArgumentException("pgbackrest_repo." + name + "." + k + " is a credential: pass it as a Secret");
            }
        }
    }

    /**
     * Pigsty's two repositories ({@code local}: posix on each member, 2 full backups kept;
     * {@code minio}: S3 on MinIO, AES-encrypted, 14 days) and this SDK's {@code central}: a posix
     * repository on the infra node reached over pgBackRest's TLS server, 4 full backups kept. The
     * central repository's {@code host} is resolved to the infra node when it says {@code infra}; its
     * path on that node, {@value #CENTRAL_PATH}, is apart from {@code /pg/backup}, which a member of a
     * cluster on the infra node uses for its own {@code local} repository (as the {@code postgres} user).
     *
     * @return the default {@code pgbackrest_repo}
     */
    public static Map<String, BackupRepo> defaults() {
        Map<String, BackupRepo> m = new LinkedHashMap<>();
        m.put("local", named("local").option("path", "/pg/backup").option("retention_full_type", "count")
                .option("retention_full", "2").build());
        m.put("minio", named("minio").option("type", "s3").option("s3_endpoint", "sss.pigsty")
                .option("s3_region", "us-east-1").option("s3_bucket", "pgsql")
                .secret("s3_key", Secret.of("pgbackrest")).secret("s3_key_secret", Secret.of("S3User.Backup"))
                .option("s3_uri_style", "path").option("path", "/pgbackrest").option("storage_port", "9000")
                .option("storage_ca_file", "/etc/pki/ca.crt").option("block", "y").option("bundle", "y")
                .option("bundle_limit", "20MiB").option("bundle_size", "128MiB").option("cipher_type", "aes-256-cbc")
                .secret("cipher_pass", Secret.of("pgBackRest")).option("retention_full_type", "time")
                .option("retention_full", "14").build());
        m.put("central", named("central").option("host", CENTRAL_HOST_INFRA).option("host_type", "tls")
                .option("path", CENTRAL_PATH).option("retention_full_type", "count").option("retention_full", "4").build());
        return Collections.unmodifiableMap(m);
    }

    /** The {@code host} word that stands for the (first) infra node. */
    public static final String CENTRAL_HOST_INFRA = "infra";

    /**
     * @param name the repository's key
     * @return a builder
     */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** @return storage type; {@code posix} when {@code type} is not set (pgBackRest's default) */
    public Type type() {
        return Optional.ofNullable(options.get("type")).flatMap(Type::parse).orElse(Type.POSIX);
    }

    /** @return {@code path}: the repository path ({@code /pg/backup} for Pigsty's local repo) */
    public Optional<String> path() {
        return Optional.ofNullable(options.get("path"));
    }

    /** @return {@code host}: the repository host (a remote repository), empty for a repository on the member itself */
    public Optional<String> host() {
        return Optional.ofNullable(options.get("host"));
    }

    /** @return true when backups and WAL go to another host ({@code host} set) or to object storage */
    public boolean offHost() {
        return host().isPresent() || type() != Type.POSIX && type() != Type.CIFS;
    }

    /** @return {@code retention_full_type}: {@code count} (pgBackRest's default) or {@code time} */
    public String retentionFullType() {
        return options.getOrDefault("retention_full_type", "count");
    }

    /** @return {@code retention_full}, when set */
    public Optional<String> retentionFull() {
        return Optional.ofNullable(options.get("retention_full"));
    }

    /** @return {@code cipher_type}: {@code none} unless set */
    public String cipherType() {
        return options.getOrDefault("cipher_type", "none");
    }

    @Override
    public String toString() {
        return "BackupRepo[" + name + " " + options + (secrets.isEmpty() ? "" : " secrets=" + secrets.keySet()) + "]";
    }

    /** Fluent builder. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Map<String, Secret> secrets = new TreeMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        /**
         * @param key   option in Pigsty's spelling ({@code retention_full})
         * @param value its value
         * @return this
         */
        public Builder option(String key, String value) {
            options.put(key, Objects.requireNonNull(value));
            return this;
        }

        /**
         * @param key   a credential option ({@code cipher_pass})
         * @param value its value
         * @return this
         */
        public Builder secret(String key, Secret value) {
            secrets.put(key, Objects.requireNonNull(value));
            return this;
        }

        /** @return the repository */
        public BackupRepo build() {
            return new BackupRepo(name, options, secrets);
        }
    }
}
