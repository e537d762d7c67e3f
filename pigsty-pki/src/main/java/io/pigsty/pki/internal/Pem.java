package io.pigsty.pki.internal;

import io.pigsty.model.Secret;
import io.pigsty.pki.CertUsage;
import io.pigsty.pki.PkiException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM reading and writing, and reading fields of certificates. Internal. */
public final class Pem {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private Pem() {
    }

    /**
     * @param c a certificate
     * @return its PEM text
     */
    public static String certificate(X509Certificate c) {
        return write(c);
    }

    /**
     * @param k a private key
     * @return its PKCS#8 PEM text
     */
    public static String privateKey(PrivateKey k) {
        try {
            return write(new JcaPKCS8Generator(k, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new PkiException("cannot encode a private key: " + e.getMessage(), e);
        }
    }

    private static String write(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    /**
     * @param pem  one or more PEM certificates
     * @param what what they are, for messages
     * @return the certificates in order
     */
    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                } else {
                    throw new PkiException(what + ": expected a CERTIFICATE block, found " + o.getClass().getSimpleName());
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException(what + ": not a PEM certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new PkiException(what + ": no PEM certificate found");
        }
        return out;
    }

    /**
     * @param pem  a private key, PKCS#8 or traditional PEM
     * @param what what it is, for messages
     * @return the key
     */
    public static PrivateKey privateKey(Secret pem, String what) {
        try (PEMParser p = new PEMParser(new StringReader(pem.reveal()))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new PkiException(what + ": expected an unencrypted PEM private key"
                    + (o == null ? ", found nothing" : ", found " + o.getClass().getSimpleName()));
        } catch (IOException e) {
            // the parser's message can quote key material: say only what failed
            throw new PkiException(what + ": not a PEM private key");
        }
    }

    /**
     * @param pub  a public key
     * @param priv a private key
     * @return true when they are one key pair (checked by signing)
     */
    public static boolean matches(PublicKey pub, PrivateKey priv) {
        if (!pub.getAlgorithm().equals(priv.getAlgorithm())) {
            return false;
        }
        try {
            String alg = pub.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] probe = "pigsty-pki key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(priv);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * @param c a certificate
     * @return its subject CN, or empty text
     */
    public static String commonName(X509Certificate c) {
        X500Name n = new X500Name(c.getSubjectX500Principal().getName());
        RDN[] cn = n.getRDNs(BCStyle.CN);
        return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
    }

    /**
     * @param c    a certificate
     * @param type {@link org.bouncycastle.asn1.x509.GeneralName} tag: iPAddress or dNSName
     * @return the SANs of that type, as text
     */
    public static List<String> sans(X509Certificate c, int type) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> all = c.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> e : all) {
                    if (((Integer) e.get(0)) == type) {
                        out.add(normalizeIp(String.valueOf(e.get(1)), type));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new PkiException("unreadable subjectAltName: " + e.getMessage(), e);
        }
        return out;
    }

    private static String normalizeIp(String v, int type) {
        if (type != org.bouncycastle.asn1.x509.GeneralName.iPAddress || !v.contains(":")) {
            return v;
        }
        try {
            return java.net.InetAddress.getByName(v).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return v;
        }
    }

    /**
     * @param c a certificate
     * @return server and/or client, from its extended key usage
     */
    public static Set<CertUsage> usages(X509Certificate c) {
        Set<CertUsage> out = EnumSet.noneOf(CertUsage.class);
        try {
            List<String> eku = c.getExtendedKeyUsage();
            if (eku != null) {
                if (eku.contains(SERVER_AUTH)) {
                    out.add(CertUsage.SERVER);
                }
                if (eku.contains(CLIENT_AUTH)) {
                    out.add(CertUsage.CLIENT);
                }
            }
        } catch (CertificateParsingException e) {
            throw new PkiException("unreadable extendedKeyUsage: " + e.getMessage(), e);
        }
        return out;
    }
}
