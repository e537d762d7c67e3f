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
 * etcd's and Patroni's certificates (and their names) without touching the JVM's trust store.
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
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (CertificateException e) {
            throw new InvalidValueException("caCertificates", "(PEM)", "not a PEM certificate: " + e.getMessage());
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new io.pigsty.model.PigstyException("the JDK cannot build a TLS context: " + e.getMessage(), e);
        }
    }
}
