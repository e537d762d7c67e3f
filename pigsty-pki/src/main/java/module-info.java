/** The deployment's CA and certificates (BouncyCastle), and the PKI module. */
module io.pigsty.pki {
    requires transitive io.pigsty.api;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;
    requires org.slf4j;

    exports io.pigsty.pki;
}
