package io.pigsty.ha.internal;

import io.pigsty.model.InvalidValueException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} that trusts exactly the deployment's CA, so the SDK's HTTP clients verify
 * etcd's and Patroni's certificates (and their names) without touching the JVM's trust store, and
 * that presents a client certificate where etcd asks for one.
 */
public final class TlsTrust {
    private TlsTrust() {
    }

    /**
     * @param caPem one or more PEM certificates (the CA, and intermediates if any)
     * @return a TLS context trusting only them
     * @throws InvalidValueException when the text holds no certificate
     */
    public static SSLContext trusting(String caPem) {
        return context(caPem, null, null);
    }

    /**
     * A context that trusts exactly the deployment's CA and presents a client certificate (etcd with
     * {@code client-cert-auth}).
     *
     * @param caPem   the CA certificate(s), PEM
     * @param certPem the client certificate (then its issuers), PEM
     * @param keyPem  its private key, PKCS#8 PEM ({@code BEGIN PRIVATE KEY}, as the PKI module writes it)
     * @return the TLS context
     * @throws InvalidValueException when a text holds no certificate or key
     */
    public static SSLContext withClientCertificate(String caPem, String certPem, io.pigsty.model.Secret keyPem) {
        return context(caPem, java.util.Objects.requireNonNull(certPem, "certPem"), java.util.Objects.requireNonNull(keyPem, "keyPem"));
    }

    private static java.security.PrivateKey privateKey(io.pigsty.model.Secret pem) throws java.security.GeneralSecurityException {
        String text = pem.reveal();
        int b = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int e = text.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < b) {
            // never the text itself: it is a key
            throw new InvalidValueException("clientKey", null, "not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
        }
        byte[] der = java.util.Base64.getMimeDecoder().decode(text.substring(b + 27, e));
        java.security.spec.PKCS8EncodedKeySpec spec = new java.security.spec.PKCS8EncodedKeySpec(der);
        try {
            return java.security.KeyFactory.getInstance("EC").generatePrivate(spec);
        } catch (java.security.spec.InvalidKeySpecException notEc) {
            return java.security.KeyFactory.getInstance("RSA").generatePrivate(spec);
        }
    }

    private static SSLContext context(String caPem, String certPem, io.pigsty.model.Secret keyPem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new InvalidValueException("caCertificates", "(PEM)", "no certificate in the text");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.KeyManager[] kms = null;
            if (certPem != null) {
                Certificate[] chain = CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)))
                        .toArray(Certificate[]::new);
                if (chain.length == 0) {
                    throw new InvalidValueException("clientCertificate", "(PEM)", "no certificate in the text");
                }
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                char[] none = new char[0];
                keys.setKeyEntry("client", privateKey(keyPem), none, chain);
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, none);
                kms = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kms, tmf.getTrustManagers(), null);
            return ctx;
        } catch (CertificateException e) {
            throw new InvalidValueException("caCertificates", "(PEM)", "not a PEM certificate: " + e.getMessage());
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new io.pigsty.model.PigstyException("the JDK cannot build a TLS context: " + e.getMessage(), e);
        }
    }
}
