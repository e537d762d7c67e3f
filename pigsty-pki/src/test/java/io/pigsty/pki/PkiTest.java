package io.pigsty.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {
    private static final CertRequest NODE = CertRequest.builder("pg-test-1").ip("10.213.0.11", "127.0.0.1", "10.213.0.3")
            .dns("pg-test-1", "pg-test").validity(Duration.ofDays(365)).build();

    @Test
    void createOrLoad_writesKey0600_andLoadsTheSameCa(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("pki");
        Pki created = Pki.createOrLoad(dir, CaSpec.pigstyDefault());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        Pki loaded = Pki.createOrLoad(dir, CaSpec.pigstyDefault());
        assertThat(loaded.caFingerprint()).isEqualTo(created.caFingerprint());
        assertThat(loaded.toString()).contains("pigsty-ca").doesNotContain(Files.readString(dir.resolve("ca.key")).substring(30, 60));
    }

    @Test
    void createOrLoad_withOnlyOneFile_refusesNamingIt(@TempDir Path tmp) throws Exception {
        Pki.createOrLoad(tmp, CaSpec.pigstyDefault());
        Files.delete(tmp.resolve("ca.key"));
        assertThatThrownBy(() -> Pki.createOrLoad(tmp, CaSpec.pigstyDefault())).isInstanceOf(PkiException.class)
                .hasMessageContaining("has ca.crt but not ca.key");
    }

    @Test
    void load_refusesAKeyOthersCanRead(@TempDir Path tmp) throws Exception {
        Pki.createOrLoad(tmp, CaSpec.pigstyDefault());
        Files.setPosixFilePermissions(tmp.resolve("ca.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Pki.load(tmp)).isInstanceOf(PkiException.class).hasMessageContaining("chmod 0600");
    }

    @Test
    void of_refusesAKeyOfAnotherCertificate() {
        Pki a = Pki.create(CaSpec.pigstyDefault());
        IssuedCertificate leaf = Pki.create(CaSpec.pigstyDefault()).issue(NODE);
        assertThatThrownBy(() -> Pki.of(a.caCertificatePem(), leaf.privateKeyPem())).isInstanceOf(PkiException.class)
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> Pki.of(leaf.certificatePem(), leaf.privateKeyPem())).isInstanceOf(PkiException.class)
                .hasMessageContaining("not a CA");
    }

    @Test
    void issue_withAnEmptyCommonName_hasNoCnInItsSubject_andStillServesItsRequest(@TempDir Path tmp) throws Exception {
        Tools.require("openssl");
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        CertRequest gatewayClient = CertRequest.builder("").ip("10.213.0.11").usages(CertUsage.CLIENT).build();
        IssuedCertificate c = pki.issue(gatewayClient);
        Files.writeString(tmp.resolve("ca.crt"), pki.caCertificatePem());
        Files.writeString(tmp.resolve("etcd.crt"), c.certificatePem());
        Tools.Result subject = Tools.run(List.of("openssl", "x509", "-noout", "-subject", "-in", tmp.resolve("etcd.crt").toString()));
        assertThat(subject.stdout()).contains("O = pigsty").doesNotContain("CN");
        Tools.Result ok = Tools.run(List.of("openssl", "verify", "-purpose", "sslclient", "-CAfile", tmp.resolve("ca.crt").toString(),
                tmp.resolve("etcd.crt").toString()));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(pki.assess(c.certificatePem(), gatewayClient, Duration.ofDays(30)).reissue()).isFalse();
        // a CN where none was asked for is a reason to reissue, and blanks are still refused
        assertThat(pki.assess(pki.issue(gatewayClient.toBuilder().build()).certificatePem(), CertRequest.builder("x").ip("10.213.0.11")
                .usages(CertUsage.CLIENT).build(), Duration.ofDays(30)).reissue()).isTrue();
        assertThatThrownBy(() -> CertRequest.builder("  ").build()).isInstanceOf(PkiException.class).hasMessageContaining("commonName");
    }

    @Test
    void issue_isVerifiedByOpenssl_withItsSans_andRefusedUnderAnotherCa(@TempDir Path tmp) throws Exception {
        Tools.require("openssl");
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        IssuedCertificate c = pki.issue(NODE);
        Files.writeString(tmp.resolve("ca.crt"), pki.caCertificatePem());
        Files.writeString(tmp.resolve("other.crt"), Pki.create(CaSpec.pigstyDefault()).caCertificatePem());
        Files.writeString(tmp.resolve("server.crt"), c.certificatePem());
        Files.writeString(tmp.resolve("server.key"), c.privateKeyPem().reveal());

        Tools.Result ok = Tools.run(List.of("openssl", "verify", "-purpose", "sslserver", "-CAfile", tmp.resolve("ca.crt").toString(),
                tmp.resolve("server.crt").toString()));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        Tools.Result bad = Tools.run(List.of("openssl", "verify", "-CAfile", tmp.resolve("other.crt").toString(),
                tmp.resolve("server.crt").toString()));
        assertThat(bad.exit()).isNotZero();
        Tools.Result text = Tools.run(List.of("openssl", "x509", "-noout", "-text", "-in", tmp.resolve("server.crt").toString()));
        assertThat(text.stdout()).contains("IP Address:10.213.0.11", "IP Address:10.213.0.3", "DNS:pg-test-1", "DNS:pg-test",
                "CA:FALSE", "TLS Web Server Authentication", "prime256v1");
        // the key belongs to the certificate
        Tools.Result pub1 = Tools.run(List.of("openssl", "x509", "-noout", "-pubkey", "-in", tmp.resolve("server.crt").toString()));
        Tools.Result pub2 = Tools.run(List.of("openssl", "pkey", "-pubout", "-in", tmp.resolve("server.key").toString()));
        assertThat(pub1.stdout()).isEqualTo(pub2.stdout());
        assertThat(c.toString()).doesNotContain("PRIVATE").contains("pg-test-1");
    }

    @Test
    void issue_rsa_andClientUsage() {
        Pki pki = Pki.create(new CaSpec("vendor-ca", Duration.ofDays(3650), KeyType.RSA_2048));
        CertRequest client = CertRequest.builder("dbuser_dba").keyType(KeyType.RSA_2048).usages(CertUsage.CLIENT).build();
        IssuedCertificate c = pki.issue(client);
        assertThat(pki.assess(c.certificatePem(), client, Duration.ofDays(30)).reissue()).isFalse();
        assertThat(pki.assess(c.certificatePem(), client.toBuilder().usages(CertUsage.CLIENT, CertUsage.SERVER).build(),
                Duration.ofDays(30)).reasons()).singleElement().asString().startsWith("usages are [CLIENT]");
    }

    @Test
    void assess_keepsWhatStillServes_andNamesEveryReasonOtherwise() {
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        Pki pki = Pki.create(CaSpec.pigstyDefault()).withClock(Clock.fixed(t0, ZoneOffset.UTC));
        IssuedCertificate c = pki.issue(NODE);
        assertThat(pki.assess(c.certificatePem(), NODE, Duration.ofDays(30))).isEqualTo(CertAssessment.keep());

        CertRequest moreSans = NODE.toBuilder().ip("10.213.0.4").build();
        assertThat(pki.assess(c.certificatePem(), moreSans, Duration.ofDays(30)).reasons())
                .containsExactly("IP SANs differ: missing [10.213.0.4], extra []");

        CertRequest shorter = NODE.toBuilder().validity(Duration.ofDays(30)).build();
        assertThat(pki.assess(c.certificatePem(), shorter, Duration.ofDays(7)).reasons())
                .containsExactly("lifetime is 365 days, wanted 30");

        Pki later = pki.withClock(Clock.fixed(t0.plus(Duration.ofDays(340)), ZoneOffset.UTC));
        assertThat(later.assess(c.certificatePem(), NODE, Duration.ofDays(30)).reasons()).singleElement().asString()
                .startsWith("expires 2027-12-01").endsWith("less than 30 days from now");

        Pki other = Pki.create(CaSpec.pigstyDefault());
        assertThat(other.assess(c.certificatePem(), NODE.toBuilder().keyType(KeyType.RSA_2048).build(), Duration.ofDays(30))
                .reasons()).hasSize(2).anySatisfy(r -> assertThat(r).startsWith("issued by another CA"))
                .anySatisfy(r -> assertThat(r).isEqualTo("key is EC-256, wanted RSA-2048"));

        assertThat(pki.assess("garbage", NODE, Duration.ofDays(30)).reasons()).singleElement().asString()
                .startsWith("unreadable: ");
    }

    @Test
    void request_refusesBadNamesWithTheField() {
        assertThatThrownBy(() -> CertRequest.builder("x").ip("10.213.0.256").build()).hasMessage(
                "ipAddresses: not an IP address: '10.213.0.256'");
        assertThatThrownBy(() -> CertRequest.builder("x").dns("bad name").build()).hasMessage(
                "dnsNames: not a DNS name: 'bad name'");
        assertThatThrownBy(() -> CertRequest.builder("").build()).hasMessageStartingWith("commonName:");
        assertThat(CertRequest.builder("x").ip("::1").build().ipAddresses()).containsExactly("0:0:0:0:0:0:0:1");
    }

    @Test
    void secretsNeverInToString() {
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        IssuedCertificate c = pki.issue(NODE);
        String key = c.privateKeyPem().reveal();
        String body = key.lines().skip(1).findFirst().orElseThrow();
        assertThat(c.toString()).doesNotContain(body);
        assertThat(pki.toString()).doesNotContain(body);
        assertThat(Secret.of(key).toString()).doesNotContain(body);
    }
}
