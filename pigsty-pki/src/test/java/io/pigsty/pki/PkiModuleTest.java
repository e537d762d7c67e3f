package io.pigsty.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.plan.StepResult;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.model.Inventory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiModuleTest {
    private static final Inventory SANDBOX = Inventory.sample("sandbox");

    private static String sampleText() {
        try (var in = Inventory.class.getResourceAsStream("/io/pigsty/model/samples/sandbox.yml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // the strict dry run accepts what the plans' own steps do; the reload after a new certificate is scripted
    private static DryRunExecutor dry(io.pigsty.api.plan.Plan... plans) {
        var b = DryRunExecutor.builder().answer("if systemctl is-active -q patroni.*", 0, "")
                .answer("! systemctl is-active -q vip-manager.*", 0, "");
        for (var p : plans) {
            b.model(p);
        }
        return b.build();
    }

    private static Pigsty pigsty(Inventory inv, Pki pki) {
        return Pigsty.builder().inventory(inv).serviceLoader(false).module(new PkiModule(pki)).build();
    }

    private static List<StepResult> pkiSteps(ApplyResult r, StepStatus status) {
        return r.steps().stream().filter(s -> s.stepId().startsWith("pki:") && s.status() == status).toList();
    }

    @Test
    void pgsql_issuesEveryMemberACertificate_thenLeavesThemAlone(@TempDir Path tmp) throws Exception {
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        var plan = pigsty(SANDBOX, pki).plan(Playbook.pgsqlCreate("pg-test"));
        String text = plan.render().toText();
        assertThat(text).contains("issues /pg/cert/server.crt", "CN=pg-test-2", "10.213.0.3", "BEGIN CERTIFICATE")
                .doesNotContain("PRIVATE KEY");
        // a renewed etcd client certificate restarts vip-manager where it runs (it holds the one it read at start)
        assertThat(text).contains("! systemctl is-active -q vip-manager || systemctl restart vip-manager");

        DryRunExecutor dry = dry(plan);
        ApplyResult first = plan.apply(dry, PlanListener.NONE);
        // per member: its server certificate and its etcd client certificate
        assertThat(pkiSteps(first, StepStatus.CHANGED)).extracting(StepResult::stepId).containsOnly("pki:/pg/cert/server.crt",
                "pki:/pg/cert/etcd.crt").hasSize(6);
        for (String ip : List.of("10.213.0.11", "10.213.0.12", "10.213.0.13")) {
            var files = dry.filesWritten(ip);
            assertThat(files).containsKeys("/pg/cert/server.crt", "/pg/cert/server.key", "/pg/cert/ca.crt");
            Path ca = Files.writeString(tmp.resolve("ca.crt"), pki.caCertificatePem());
            Path crt = Files.writeString(tmp.resolve(ip + ".crt"), files.get("/pg/cert/server.crt"));
            Tools.require("openssl");
            Tools.Result v = Tools.run(List.of("openssl", "verify", "-purpose", "sslserver", "-CAfile", ca.toString(), crt.toString()));
            assertThat(v.exit()).as(v.toString()).isZero();
            Tools.Result t = Tools.run(List.of("openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", crt.toString()));
            assertThat(t.stdout()).contains("IP Address:" + ip, "IP Address:10.213.0.3", "IP Address:127.0.0.1");
        }
        var key = dry.recorded().stream().filter(r -> r.file().isPresent() && r.file().get().path().equals("/pg/cert/server.key"))
                .map(r -> r.file().get()).findFirst().orElseThrow();
        assertThat(key.secret()).isTrue();
        assertThat(key.mode()).isEqualTo("0600");
        assertThat(key.owner()).isEqualTo("postgres");

        ApplyResult second = plan.apply(dry, PlanListener.NONE);
        assertThat(pkiSteps(second, StepStatus.CHANGED)).isEmpty();
        assertThat(plan.check(dry).converged()).as(plan.check(dry).toText()).isTrue();
    }

    @Test
    void shorterLifetimeOnOneMember_reissuesOnlyThatCertificate() {
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        String yaml = sampleText().replace("10.213.0.12: { pg_seq: 2, pg_role: replica",
                "10.213.0.12: { pg_seq: 2, pg_role: replica, cert_validity: 30d");
        Inventory shorter = Inventory.parse(yaml, "sandbox-short.yml");
        assertThat(yaml).contains("cert_validity: 30d");
        var plan = pigsty(shorter, pki).plan(Playbook.pgsqlCreate("pg-test"));
        var original = pigsty(SANDBOX, pki).plan(Playbook.pgsqlCreate("pg-test"));
        DryRunExecutor dry = dry(original, plan);
        original.apply(dry, PlanListener.NONE);
        String before12 = dry.filesWritten("10.213.0.12").get("/pg/cert/server.crt");
        String before11 = dry.filesWritten("10.213.0.11").get("/pg/cert/server.crt");

        var check = plan.check(dry);
        // that member's two certificates (server, etcd client), nothing of the others
        assertThat(check.changes()).hasSize(2).allSatisfy(e -> {
            assertThat(e.host()).isEqualTo("10.213.0.12");
            assertThat(e.change().orElseThrow()).contains("lifetime is 7300 days, wanted 30");
        });
        ApplyResult r = plan.apply(dry, PlanListener.NONE);
        assertThat(pkiSteps(r, StepStatus.CHANGED)).hasSize(2).extracting(StepResult::host).containsOnly("10.213.0.12");
        assertThat(dry.filesWritten("10.213.0.12").get("/pg/cert/server.crt")).isNotEqualTo(before12);
        assertThat(dry.filesWritten("10.213.0.11").get("/pg/cert/server.crt")).isEqualTo(before11);
        assertThat(pkiSteps(plan.apply(dry, PlanListener.NONE), StepStatus.CHANGED)).isEmpty();
    }

    @Test
    void anotherCa_reissuesEverything_andEtcdGetsPeerCertificates() {
        var first = pigsty(SANDBOX, Pki.create(CaSpec.pigstyDefault())).plan(Playbook.pgsqlCreate("pg-test"));
        Pki next = Pki.create(CaSpec.pigstyDefault());
        var second = pigsty(SANDBOX, next).plan(Playbook.pgsqlCreate("pg-test"));
        var etcdPlan = pigsty(SANDBOX, next).plan(Playbook.etcd());
        DryRunExecutor dry = dry(first, second, etcdPlan);
        first.apply(dry, PlanListener.NONE);
        ApplyResult r = second.apply(dry, PlanListener.NONE);
        assertThat(pkiSteps(r, StepStatus.CHANGED)).hasSize(6);
        assertThat(dry.filesWritten("10.213.0.11").get("/pg/cert/ca.crt")).isEqualTo(next.caCertificatePem());

        ApplyResult etcd = etcdPlan.apply(dry, PlanListener.NONE);
        assertThat(pkiSteps(etcd, StepStatus.CHANGED)).isNotEmpty();
        String crt = dry.filesWritten(etcd.steps().stream().filter(s -> s.stepId().startsWith("pki:")).findFirst()
                .orElseThrow().host()).get("/etc/etcd/server.crt");
        assertThat(next.assess(crt, CertRequest.builder("etcd-1").build(), Duration.ofDays(1)).reasons())
                .noneMatch(x -> x.startsWith("issued by another CA"));
        assertThat(new String(crt.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE");
    }

    // conf/ha/safe.yml's shape for PgBouncer: TLS required from clients
    private static Inventory tlsRequired() {
        String yaml = sampleText().replace("        pg_cluster: pg-test\n", "        pg_cluster: pg-test\n        pgbouncer_sslmode: require\n");
        assertThat(yaml).contains("pgbouncer_sslmode: require");
        return Inventory.parse(yaml, "sandbox-tls.yml");
    }

    @Test
    void pgbouncerTls_withoutPki_isRefusedAtTheKey() {
        Pigsty noPki = Pigsty.builder().inventory(tlsRequired()).build();
        assertThat(noPki.modules()).extracting(io.pigsty.api.spi.PigstyModule::name).contains("PGSQL").doesNotContain("PKI");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> noPki.plan(Playbook.pgsqlCreate("pg-test")).render())
                .isInstanceOfSatisfying(io.pigsty.model.ValidationException.class, e -> assertThat(e.violations())
                        .singleElement().satisfies(v -> {
                            assertThat(v.path()).isEqualTo("all.children.pg-test.vars.pgbouncer_sslmode");
                            assertThat(v.reason()).contains("'require'", "/pg/cert/server.crt", "PKI", "pgbouncer_sslmode: disable");
                        }));
        // the same cluster without TLS plans, and its pgbouncer.ini names no certificate
        Inventory plain = Inventory.parse(sampleText(), "sandbox.yml");
        String text = Pigsty.builder().inventory(plain).build().plan(Playbook.pgsqlCreate("pg-test")).render().toText(true);
        assertThat(text).contains("client_tls_sslmode          = disable").doesNotContain("client_tls_cert_file");
    }

    @Test
    void pgbouncerTls_withPki_namesTheCertificateThePlanIssuesBeforePgbouncer() {
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        Pigsty withPki = Pigsty.builder().inventory(tlsRequired()).module(new PkiModule(pki)).build();
        String text = withPki.plan(Playbook.pgsqlCreate("pg-test")).render().toText(true);
        assertThat(text).contains("client_tls_sslmode          = require", "client_tls_cert_file        = /pg/cert/server.crt",
                "client_tls_key_file         = /pg/cert/server.key", "client_tls_ca_file          = /pg/cert/ca.crt");
        int issued = text.indexOf("issues /pg/cert/server.crt");
        assertThat(issued).as("the PKI step issues the certificate").isNotNegative();
        assertThat(issued).as("issued before pgbouncer.ini names it").isLessThan(text.indexOf("client_tls_cert_file"));
    }

    @Test
    void nodeAndInfra_putTheCaOnEveryTargetedNode_atPigstysLocation() {
        Pki pki = Pki.create(CaSpec.pigstyDefault());
        Pigsty p = pigsty(SANDBOX, pki);
        var node = p.plan(Playbook.node("pg-test"));
        DryRunExecutor dry = dry(node);
        assertThat(node.apply(dry, PlanListener.NONE).ok()).isTrue();
        for (String ip : List.of("10.213.0.11", "10.213.0.12", "10.213.0.13")) {
            assertThat(dry.filesWritten(ip)).containsEntry(PkiModule.NODE_CA, pki.caCertificatePem());
        }
        assertThat(dry.filesWritten("10.213.0.10")).doesNotContainKey(PkiModule.NODE_CA);
        var infra = p.plan(Playbook.infra());
        DryRunExecutor dryInfra = dry(infra);
        assertThat(infra.apply(dryInfra, PlanListener.NONE).ok()).isTrue();
        assertThat(dryInfra.filesWritten("10.213.0.10")).containsEntry(PkiModule.NODE_CA, pki.caCertificatePem());
        // and the infra node's client certificate, which the TSDB shows to etcd (client-cert-auth)
        String crt = dryInfra.filesWritten("10.213.0.10").get("/etc/pki/infra.crt");
        assertThat(crt).as("infra.crt written").isNotNull();
        assertThat(dryInfra.filesWritten("10.213.0.10")).containsKey("/etc/pki/infra.key");
        try {
            java.security.cert.X509Certificate x = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(crt.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            assertThat(x.getSubjectX500Principal().getName()).contains("CN=infra-1");
            assertThat(x.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
            java.security.cert.X509Certificate ca = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
                            pki.caCertificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            x.verify(ca.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError("infra.crt is not a certificate of the CA: " + e, e);
        }
        // without the module, neither the file nor TLS
        var plain = Pigsty.builder().inventory(SANDBOX).serviceLoader(false).build();
        assertThat(plain.plan(Playbook.node("pg-test")).render().toText()).doesNotContain(PkiModule.NODE_CA);
    }
}
