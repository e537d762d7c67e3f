package io.pigsty.pki;

import io.pigsty.model.Secret;
import io.pigsty.pki.internal.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's certificate authority: creates or loads the CA, issues leaf certificates
 * for nodes and services, and says whether a certificate found on a host still serves its
 * request. Keys are generated in the JVM (no {@code openssl} on the controller or the hosts).
 *
 * <pre>{@code
 * Pki pki = Pki.createOrLoad(Path.of("/var/lib/pigsty-sandbox/pki"), CaSpec.pigstyDefault());
 * IssuedCertificate c = pki.issue(CertRequest.builder("pg-test-1").ip("10.213.0.11", "127.0.0.1").build());
 * CertAssessment a = pki.assess(pemFromHost, request, Duration.ofDays(30));  // reissue? why?
 * }</pre>
 *
 * <p>The CA's key never leaves its directory through this class: {@link #toString()} names the
 * CA's subject and fingerprint only, and issued keys are {@link Secret}s. Thread-safe.
 */
public final class Pki {
    private static final Logger LOG = LoggerFactory.getLogger(Pki.class);
    /** File name of the CA certificate in a PKI directory (Pigsty's {@code files/pki/ca/ca.crt}). */
    public static final String CA_CERT = "ca.crt";
    /** File name of the CA private key in a PKI directory, mode 0600. */
    public static final String CA_KEY = "ca.key";
    // peers whose clock runs a little behind must still accept a fresh certificate
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final Duration LIFETIME_TOLERANCE = Duration.ofMinutes(10);

    private final X509Certificate ca;
    private final List<X509Certificate> chain;
    private final PrivateKey caKey;
    private final Clock clock;
    private final SecureRandom random;

    private Pki(List<X509Certificate> chain, PrivateKey caKey, Clock clock, SecureRandom random) {
        this.chain = List.copyOf(chain);
        this.ca = chain.get(0);
        this.caKey = caKey;
        this.clock = clock;
        this.random = random;
        if (ca.getBasicConstraints() < 0) {
            throw new PkiException("CA certificate " + ca.getSubjectX500Principal().getName()
                    + " is not a CA (basicConstraints CA:FALSE)");
        }
        if (!Pem.matches(ca.getPublicKey(), caKey)) {
            throw new PkiException("CA key does not belong to CA certificate " + ca.getSubjectX500Principal().getName());
        }
    }

    /**
     * Loads the CA from {@code dir} ({@value #CA_CERT}, {@value #CA_KEY}), creating both when
     * neither exists. The key is written with mode 0600 and the directory with 0700.
     *
     * @param dir  the PKI directory (the sandbox's: {@code /var/lib/pigsty-sandbox/pki})
     * @param spec how to create the CA if it is missing
     * @return the CA
     * @throws PkiException when only one of the two files exists, or they cannot be read or written
     */
    public static Pki createOrLoad(Path dir, CaSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Path crt = dir.resolve(CA_CERT);
        Path key = dir.resolve(CA_KEY);
        boolean hasCrt = Files.exists(crt);
        boolean hasKey = Files.exists(key);
        if (hasCrt && hasKey) {
            return load(dir);
        }
        if (hasCrt || hasKey) {
            throw new PkiException(dir + ": has " + (hasCrt ? CA_CERT : CA_KEY) + " but not "
                    + (hasCrt ? CA_KEY : CA_CERT) + "; restore the missing file or remove both to create a new CA");
        }
        Pki created = create(spec, Clock.systemUTC(), new SecureRandom());
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            writeNew(key, Pem.privateKey(created.caKey), "rw-------");
            writeNew(crt, created.caCertificatePem(), "rw-r--r--");
        } catch (IOException e) {
            throw new PkiException(dir + ": cannot write the new CA: " + e.getMessage(), e);
        }
        LOG.info("created CA {} in {}", created.ca.getSubjectX500Principal().getName(), dir);
        return created;
    }

    /**
     * @param dir a PKI directory holding {@value #CA_CERT} and {@value #CA_KEY}
     * @return the CA
     * @throws PkiException when a file is missing, unreadable, or the key is readable by others
     */
    public static Pki load(Path dir) {
        Path crt = dir.resolve(CA_CERT);
        Path key = dir.resolve(CA_KEY);
        try {
            Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(key);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new PkiException(key + ": mode " + PosixFilePermissions.toString(perms)
                        + " lets others read the CA key; chmod 0600 it");
            }
            return of(Files.readString(crt), Secret.of(Files.readString(key)));
        } catch (IOException e) {
            throw new PkiException(dir + ": cannot read the CA: " + e.getMessage(), e);
        }
    }

    /**
     * Uses a CA (or an intermediate) the caller already has.
     *
     * @param caCertificatesPem the CA certificate, optionally followed by its issuers up to the root
     * @param caKeyPem          the CA's private key (PKCS#8 or traditional PEM)
     * @return the CA
     */
    public static Pki of(String caCertificatesPem, Secret caKeyPem) {
        List<X509Certificate> chain = Pem.certificates(caCertificatesPem, "CA certificate");
        return new Pki(chain, Pem.privateKey(caKeyPem, "CA key"), Clock.systemUTC(), new SecureRandom());
    }

    /**
     * Creates a CA in memory, nothing written (tests, or callers storing it elsewhere).
     *
     * @param spec the CA to create
     * @return the CA
     */
    public static Pki create(CaSpec spec) {
        return create(spec, Clock.systemUTC(), new SecureRandom());
    }

    private static Pki create(CaSpec spec, Clock clock, SecureRandom random) {
        KeyPair kp = generate(spec.keyType(), random);
        Instant now = clock.instant();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "pigsty")
                .addRDN(BCStyle.CN, spec.commonName()).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(random), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(spec.validity())), name, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = sign(b, kp.getPrivate(), spec.keyType().signatureAlgorithm());
            return new Pki(List.of(cert), kp.getPrivate(), clock, random);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot create CA " + spec.commonName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param c clock for issue times and expiry checks (tests)
     * @return this CA with another clock
     */
    public Pki withClock(Clock c) {
        return new Pki(chain, caKey, Objects.requireNonNull(c, "clock"), random);
    }

    /** @return the CA certificate (and its issuers, if any), PEM */
    public String caCertificatePem() {
        StringBuilder sb = new StringBuilder();
        chain.forEach(c -> sb.append(Pem.certificate(c)));
        return sb.toString();
    }

    /** @return SHA-256 fingerprint of the CA certificate, lower-case hex */
    public String caFingerprint() {
        return fingerprint(ca);
    }

    /**
     * Issues a new key and certificate.
     *
     * @param request what the certificate must say
     * @return the certificate with its key
     */
    public IssuedCertificate issue(CertRequest request) {
        KeyPair kp = generate(request.keyType(), random);
        Instant now = clock.instant();
        BigInteger serial = serial(random);
        X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "pigsty");
        if (!request.commonName().isEmpty()) {
            nb.addRDN(BCStyle.CN, request.commonName());
        }
        X500Name subject = nb.build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> sans = new ArrayList<>();
            request.dnsNames().forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
            request.ipAddresses().forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
            List<KeyPurposeId> purposes = new ArrayList<>();
            if (request.usages().contains(CertUsage.SERVER)) {
                purposes.add(KeyPurposeId.id_kp_serverAuth);
            }
            if (request.usages().contains(CertUsage.CLIENT)) {
                purposes.add(KeyPurposeId.id_kp_clientAuth);
            }
            int usage = KeyUsage.digitalSignature | (request.keyType().algorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial, Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(request.validity())), new X500Name(subject.toString()), kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            X509Certificate cert = sign(b, caKey, signatureFor(caKey));
            return new IssuedCertificate(request, Pem.certificate(cert), Secret.of(Pem.privateKey(kp.getPrivate())),
                    caCertificatePem(), serial, cert.getNotAfter().toInstant());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new PkiException("cannot issue a certificate for " + request.label() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Says whether a certificate found on a host still serves a request: issued by this CA, the
     * same subject, SANs, key type, usages and lifetime, and more than {@code renewBefore} left.
     *
     * @param certificatePem what the host has (PEM; the first certificate is the leaf)
     * @param request        what the inventory asks now
     * @param renewBefore    reissue when less than this remains ({@code cert_renew_days}); capped at a third of
     *                       the requested lifetime, so a short-lived certificate is not reissued on every apply
     * @return keep, or reissue with every reason
     */
    public CertAssessment assess(String certificatePem, CertRequest request, Duration renewBefore) {
        X509Certificate cert;
        try {
            cert = Pem.certificates(certificatePem, "certificate").get(0);
        } catch (PkiException e) {
            return CertAssessment.reissue(List.of("unreadable: " + e.getMessage()));
        }
        List<String> why = new ArrayList<>();
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            why.add("issued by another CA (" + cert.getIssuerX500Principal().getName() + "), not by " + caFingerprint().substring(0, 16));
        }
        String cn = Pem.commonName(cert);
        if (!request.commonName().equals(cn)) {
            why.add("CN is '" + cn + "', wanted '" + request.commonName() + "'");
        }
        diff(why, "IP SANs", Pem.sans(cert, GeneralName.iPAddress), request.ipAddresses());
        diff(why, "DNS SANs", Pem.sans(cert, GeneralName.dNSName), request.dnsNames());
        String keyNow = describe(cert.getPublicKey());
        String keyWanted = request.keyType().algorithm() + "-" + request.keyType().bits();
        if (!keyNow.equals(keyWanted)) {
            why.add("key is " + keyNow + ", wanted " + keyWanted);
        }
        Set<CertUsage> usages = Pem.usages(cert);
        if (!usages.equals(EnumSet.copyOf(request.usages()))) {
            why.add("usages are " + usages + ", wanted " + EnumSet.copyOf(request.usages()));
        }
        Duration lifetime = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).minus(BACKDATE);
        if (lifetime.minus(request.validity()).abs().compareTo(LIFETIME_TOLERANCE) > 0) {
            why.add("lifetime is " + lifetime.toDays() + " days, wanted " + request.validity().toDays());
        }
        Instant now = clock.instant();
        Instant notAfter = cert.getNotAfter().toInstant();
        // a lifetime shorter than the renew window would be reissued on every apply
        Duration window = renewBefore.compareTo(request.validity().dividedBy(3)) > 0 ? request.validity().dividedBy(3) : renewBefore;
        if (notAfter.isBefore(now.plus(window))) {
            why.add((notAfter.isBefore(now) ? "expired " : "expires ") + notAfter + ", less than "
                    + window.toDays() + " days from now");
        }
        return why.isEmpty() ? CertAssessment.keep() : CertAssessment.reissue(why);
    }

    private static void diff(List<String> why, String what, List<String> have, List<String> want) {
        Set<String> h = new LinkedHashSet<>(have);
        Set<String> w = new LinkedHashSet<>(want);
        if (!h.equals(w)) {
            Set<String> missing = new LinkedHashSet<>(w);
            missing.removeAll(h);
            Set<String> extra = new LinkedHashSet<>(h);
            extra.removeAll(w);
            why.add(what + " differ: missing " + missing + ", extra " + extra);
        }
    }

    private static String describe(PublicKey k) {
        if (k instanceof ECPublicKey ec) {
            return "EC-" + ec.getParams().getOrder().bitLength();
        }
        if (k instanceof RSAPublicKey rsa) {
            return "RSA-" + rsa.getModulus().bitLength();
        }
        return k.getAlgorithm();
    }

    private static String signatureFor(PrivateKey k) {
        return k.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    }

    private static KeyPair generate(KeyType t, SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(t.algorithm());
            if (t.algorithm().equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"), random);
            } else {
                g.initialize(t.bits(), random);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot generate a " + t + " key: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, String alg)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static BigInteger serial(SecureRandom random) {
        // RFC 5280: positive, at most 20 octets; 159 random bits are unique enough
        return new BigInteger(159, random).add(BigInteger.ONE);
    }

    static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot fingerprint " + c.getSubjectX500Principal().getName(), e);
        }
    }

    private static void writeNew(Path file, String content, String mode) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".pki", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            // a hard link fails when the file exists: two callers creating one CA cannot overwrite each other
            Files.createLink(file, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String toString() {
        return "Pki[" + ca.getSubjectX500Principal().getName() + ", sha256 " + caFingerprint().substring(0, 16) + "...]";
    }
}
