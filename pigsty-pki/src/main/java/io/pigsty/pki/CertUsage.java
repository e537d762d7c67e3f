package io.pigsty.pki;

/** What a leaf certificate is for (its extended key usage). */
public enum CertUsage {
    /** A TLS server: PostgreSQL, PgBouncer, Patroni REST, etcd. */
    SERVER,
    /** A TLS client: an etcd client, a {@code cert} HBA login. */
    CLIENT
}
