package io.pigsty.pki;

import java.time.Duration;
import java.util.Objects;

/**
 * How to create the deployment's CA when none exists yet.
 *
 * @param commonName the CA's CN (Pigsty's {@code ca_cn}, default {@code pigsty-ca})
 * @param validity   lifetime of the CA certificate
 * @param keyType    CA key algorithm
 */
public record CaSpec(String commonName, Duration validity, KeyType keyType) {
    /** Canonical constructor: checks every field. */
    public CaSpec {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.isBlank()) {
            throw new PkiException("ca_cn: must not be empty");
        }
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new PkiException("CA validity: must be positive, got " + validity);
        }
        Objects.requireNonNull(keyType, "keyType");
    }

    /** @return Pigsty's CA: CN {@code pigsty-ca}, 100 years, ECDSA P-256 */
    public static CaSpec pigstyDefault() {
        return new CaSpec("pigsty-ca", Duration.ofDays(36500), KeyType.EC_P256);
    }
}
