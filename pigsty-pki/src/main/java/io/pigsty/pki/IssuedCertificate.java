package io.pigsty.pki;

import io.pigsty.model.Secret;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * A leaf certificate with its private key, as issued by {@link Pki#issue}. The key is a
 * {@link Secret}: {@link #toString()} shows subject, serial and expiry only.
 *
 * @param request        what was asked
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem  its private key, PKCS#8 PEM
 * @param caPem          the issuing CA's certificate, PEM (the chain a peer verifies against)
 * @param serial         serial number
 * @param notAfter       end of validity
 */
public record IssuedCertificate(CertRequest request, String certificatePem, Secret privateKeyPem, String caPem,
                                BigInteger serial, Instant notAfter) {
    /** Canonical constructor: no nulls. */
    public IssuedCertificate {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        Objects.requireNonNull(caPem, "caPem");
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(notAfter, "notAfter");
    }

    @Override
    public String toString() {
        return "IssuedCertificate[CN=" + request.commonName() + ", serial=" + serial.toString(16) + ", notAfter="
                + notAfter + "]";
    }
}
