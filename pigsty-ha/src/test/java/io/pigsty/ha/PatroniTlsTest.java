package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.model.Inventory;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import org.junit.jupiter.api.Test;

/** PostgreSQL serves TLS exactly when the PKI module issues the member's certificate. */
class PatroniTlsTest {
    private static final Inventory SANDBOX = Inventory.sample("sandbox");

    @Test
    void withPki_patroniNamesTheCertificateTheEarlierPhaseIssues() {
        Pigsty p = Pigsty.builder().inventory(SANDBOX).serviceLoader(false).module(new PkiModule(Pki.create(CaSpec.pigstyDefault())))
                .module(new EtcdModule()).module(new PatroniModule()).build();
        String text = p.plan(Playbook.pgsqlCreate("pg-test")).render().toText(true);
        assertThat(text).contains("ssl: 'on'", "ssl_cert_file: '/pg/cert/server.crt'", "ssl_key_file: '/pg/cert/server.key'",
                "ssl_ca_file: '/pg/cert/ca.crt'");
        int issued = text.indexOf("issues /pg/cert/server.crt (0644) and /pg/cert/server.key (0600), owner postgres");
        assertThat(issued).as("the key is issued 0600 to the dbsu").isNotNegative();
        assertThat(issued).as("issued before patroni.yml names it").isLessThan(text.indexOf("ssl_cert_file"));
    }

    @Test
    void withPki_everyEtcdClientOfThePlansSpeaksHttpsWithTheCa() {
        Pigsty p = Pigsty.builder().inventory(SANDBOX).serviceLoader(false).module(new PkiModule(Pki.create(CaSpec.pigstyDefault())))
                .module(new EtcdModule()).module(new PatroniModule()).build();
        String etcd = p.plan(Playbook.etcd()).render().toText(true);
        // etcd demands a certificate of the CA from every client (client-cert-auth): each shows its host's own
        assertThat(etcd).contains("curl -sf -m 2 --cacert /etc/etcd/ca.crt --cert /etc/etcd/server.crt --key /etc/etcd/server.key "
                + "https://127.0.0.1:2379/health", "ETCDCTL_CACERT=/etc/etcd/ca.crt ETCDCTL_CERT=/etc/etcd/server.crt "
                + "ETCDCTL_KEY=/etc/etcd/server.key").doesNotContain("http://127.0.0.1");
        String conf = HaFiles.files(p.plan(Playbook.etcd()), "10.213.0.10").get("/etc/etcd/etcd.conf.yml").text();
        assertThat(conf).contains("client-transport-security:\n  cert-file: /etc/etcd/server.crt\n  key-file: /etc/etcd/server.key\n"
                + "  trusted-ca-file: /etc/etcd/ca.crt\n  client-cert-auth: true\n");
        var files = HaFiles.files(p.plan(Playbook.pgsqlCreate("pg-test")), "10.213.0.11");
        assertThat(files.get("/etc/patroni/patroni.yml").text()).contains("etcd3:\n  hosts: '10.213.0.10:2379'\n  protocol: https\n"
                + "  cacert: /pg/cert/ca.crt\n  cert: /pg/cert/etcd.crt\n  key: /pg/cert/etcd.key\n");
        String rm = p.plan(Playbook.pgsqlRemove("pg-test").allowLive()).render().toText(true);
        assertThat(rm).contains("etcdctl --endpoints=https://10.213.0.10:2379 --cacert=/pg/cert/ca.crt --cert=/pg/cert/etcd.crt "
                + "--key=/pg/cert/etcd.key del --prefix /pg/pg-test/");
        // the members' etcd client certificate has no CN: etcd's JSON gateway, which Patroni speaks, refuses one that has
        assertThat(p.plan(Playbook.pgsqlCreate("pg-test")).render().toText(true)).contains(
                "issues /pg/cert/etcd.crt (0644) and /pg/cert/etcd.key (0600), owner postgres, for CN= IP=[10.213.0.11] DNS=[]");
    }

    /** pg-test of the sandbox sample with Pigsty's patroni_ssl_enabled. */
    static Inventory restTls() {
        return SANDBOX.withCluster(SANDBOX.requireCluster("pg-test").toBuilder().var("patroni_ssl_enabled", true).build());
    }

    @Test
    void restApiOverHttps_withoutPki_isRefusedAtTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HaFiles.plan(restTls(), Playbook.pgsqlCreate("pg-test")))
                .isInstanceOfSatisfying(io.pigsty.model.ValidationException.class, e -> assertThat(e.violations())
                        .singleElement().satisfies(v -> {
                            assertThat(v.path()).isEqualTo("all.children.pg-test.vars.patroni_ssl_enabled");
                            assertThat(v.reason()).contains("PKI module", "--pki");
                        }));
    }

    @Test
    void restApiOverHttps_servesTheMembersCertificate_andCtlVerifiesIt() {
        String yml = HaFiles.files(HaFiles.planTls(restTls(), Playbook.pgsqlCreate("pg-test")), "10.213.0.12")
                .get("/etc/patroni/patroni.yml").text();
        assertThat(yml).contains("restapi:\n  listen: 10.213.0.12:8008\n  connect_address: 10.213.0.12:8008\n",
                "  certfile: /pg/cert/server.crt\n  keyfile: /pg/cert/server.key\n  cafile: /pg/cert/ca.crt\n",
                "ctl:\n  insecure: false\n  cacert: /pg/cert/ca.crt\n");
        // no client certificate is asked for: the REST user's password guards the write endpoints
        assertThat(yml).doesNotContain("verify_client");
        String plain = HaFiles.files(HaFiles.planTls(SANDBOX, Playbook.pgsqlCreate("pg-test")), "10.213.0.12")
                .get("/etc/patroni/patroni.yml").text();
        assertThat(plain).doesNotContain("certfile", "ctl:");
    }

    @Test
    void restApiOverHttps_everyProbeOfThePlansVerifiesTheCa() {
        io.pigsty.api.plan.Plan plan = HaFiles.planTls(restTls(), Playbook.pgsqlCreate("pg-test"));
        String text = plan.render().toText(true);
        // the readiness waits (rendered inside sh -c '...', so their own quotes show as '\\'')
        assertThat(text).contains("curl -sf -o /dev/null -m 2 --cacert /pg/cert/ca.crt '\\''https://10.213.0.11:8008/primary'\\''",
                "curl -sf -o /dev/null -m 2 --cacert /pg/cert/ca.crt '\\''https://10.213.0.12:8008/replica?replication_state=streaming'\\''",
                "|| ! curl -sf -o /dev/null -m 2 --cacert /pg/cert/ca.crt https://10.213.0.11:8008/primary'");
        assertThat(text).doesNotContain("http://10.213.0.11:8008", "http://10.213.0.12:8008", "http://10.213.0.13:8008");
        var files = HaFiles.files(plan, "10.213.0.12");
        assertThat(files.get("/etc/keepalived/keepalived.conf").text()).contains(
                "script \"/usr/bin/curl -sf -o /dev/null -m 2 --cacert /pg/cert/ca.crt -X OPTIONS https://10.213.0.12:8008/primary\"");
        String primary = files.get("/etc/haproxy/conf.d/pg-test-primary.cfg").text();
        assertThat(primary).contains("server pg-test-1 10.213.0.11:6432 check port 8008 check-ssl verify required ca-file "
                + "/pg/cert/ca.crt weight 100");
        String rm = HaFiles.planTls(restTls(), Playbook.pgsqlRemove("pg-test")).render().toText(true);
        assertThat(rm).contains("curl -sf -o /dev/null -m 2 --cacert /pg/cert/ca.crt https://10.213.0.13:8008/health")
                .doesNotContain("http://10.213.0.1");
    }

    @Test
    void restApiOverHttps_opsNeedTheCa_andNameTheSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.pigsty.ha.ops.ClusterOperations.builder(restTls(), "pg-test").build())
                .isInstanceOf(io.pigsty.model.InvalidValueException.class).hasMessageContaining("patroni_ssl_enabled")
                .hasMessageContaining("caCertificates");
        assertThat(io.pigsty.ha.ops.ClusterOperations.builder(restTls(), "pg-test").caCertificates(HaFiles.PKI.caCertificatePem())
                .build().cluster()).isEqualTo("pg-test");
    }

    @Test
    void withoutPki_noSslParameters() {
        String text = HaFiles.files(HaFiles.plan(SANDBOX, Playbook.pgsqlCreate("pg-test")), "10.213.0.11")
                .get("/etc/patroni/patroni.yml").text();
        assertThat(text).doesNotContain("ssl");
    }
}
