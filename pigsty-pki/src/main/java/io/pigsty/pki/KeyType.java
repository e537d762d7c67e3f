package io.pigsty.pki;

/** The key algorithms a certificate of the deployment may use. */
public enum KeyType {
    /** ECDSA on P-256 (secp256r1), signed with SHA-256: small and fast; the default. */
    EC_P256("EC", 256, "SHA256withECDSA"),
    /** RSA 2048, signed with SHA-256: for clients that cannot do ECDSA. */
    RSA_2048("RSA", 2048, "SHA256withRSA"),
    /** RSA 3072, signed with SHA-256. */
    RSA_3072("RSA", 3072, "SHA256withRSA"),
    /** RSA 4096, signed with SHA-256. */
    RSA_4096("RSA", 4096, "SHA256withRSA");

    private final String algorithm;
    private final int bits;
    private final String signature;

    KeyType(String algorithm, int bits, String signature) {
        this.algorithm = algorithm;
        this.bits = bits;
        this.signature = signature;
    }

    /** @return the JCA key algorithm, {@code EC} or {@code RSA} */
    public String algorithm() {
        return algorithm;
    }

    /** @return key size in bits */
    public int bits() {
        return bits;
    }

    /** @return the JCA signature algorithm this key signs with */
    public String signatureAlgorithm() {
        return signature;
    }
}
