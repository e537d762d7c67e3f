package io.pigsty.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pigsty's closed vocabulary for an HBA rule's {@code auth} field (Pigsty's HBA docs, "Auth
 * Methods": pwd, ssl, ssl-sha, ssl-md5, sha, cert, os/ident, peer, trust, deny/reject), plus the two
 * PostgreSQL password method names that map one to one. The validator and
 * the renderer both read this one list, so an alias is either accepted by both or by neither.
 */
public enum HbaAuth {
    /** {@code host} with scram-sha-256 or md5, following {@code pg_pwd_enc}. */
    PWD("pwd"),
    /** {@code hostssl} with the {@code pg_pwd_enc} password method. */
    SSL("ssl"),
    /** {@code hostssl} with scram-sha-256. */
    SSL_SHA("ssl-sha"),
    /** {@code hostssl} with md5. */
    SSL_MD5("ssl-md5"),
    /** {@code hostssl} with a client certificate. */
    CERT("cert"),
    /** {@code trust}: no check at all. */
    TRUST("trust"),
    /** {@code reject}. */
    DENY("deny"),
    /** {@code reject} (PostgreSQL's own word). */
    REJECT("reject"),
    /** {@code ident} (on the unix socket: {@code peer}; in PgBouncer: {@code peer}). */
    IDENT("ident"),
    /** Pigsty's {@code os}: the OS user, as {@code ident} ({@code peer} on the unix socket and in PgBouncer). */
    OS("os"),
    /** {@code peer}: the unix socket's OS user; needs {@code addr: local}. */
    PEER("peer"),
    /** {@code md5} regardless of {@code pg_pwd_enc}. */
    MD5("md5"),
    /** {@code scram-sha-256} regardless of {@code pg_pwd_enc}. */
    SCRAM_SHA_256("scram-sha-256"),
    /** Pigsty's {@code sha}: {@code scram-sha-256} regardless of {@code pg_pwd_enc}. */
    SHA("sha");

    private final String value;

    HbaAuth(String value) {
        this.value = value;
    }

    /** @return the inventory word */
    public String value() {
        return value;
    }

    /**
     * @param word the inventory word; blank means Pigsty's default {@code pwd}
     * @return the alias, empty when the word is not in the vocabulary
     */
    public static Optional<HbaAuth> parse(String word) {
        if (word == null || word.isBlank()) {
            return Optional.of(PWD);
        }
        return Arrays.stream(values()).filter(a -> a.value.equals(word)).findFirst();
    }

    /** @return the accepted words, comma separated, for error messages */
    public static String vocabulary() {
        return Arrays.stream(values()).map(HbaAuth::value).collect(Collectors.joining(", "));
    }

    /**
     * @param pgbouncer true when rendered into PgBouncer's HBA, which knows no {@code ident}
     * @return true when the method works on the unix socket only ({@code addr: local})
     */
    public boolean socketOnly(boolean pgbouncer) {
        return this == PEER || (pgbouncer && (this == IDENT || this == OS));
    }
}
