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
        assertThat(etcd).contains("curl -sf -m 2 --cacert /etc/etcd/ca.crt https://127.0.0.1:2379/health")
                .doesNotContain("http://127.0.0.1");
        String yml = HaFiles.files(p.plan(Playbook.pgsqlCreate("pg-test")), "10.213.0.11").get("/etc/patroni/patroni.yml").text();
        assertThat(yml).contains("etcd3:\n  hosts: '10.213.0.10:2379'\n  protocol: https\n  cacert: /pg/cert/ca.crt\n");
        String rm = p.plan(Playbook.pgsqlRemove("pg-test").allowLive()).render().toText(true);
        assertThat(rm).contains("etcdctl --endpoints=https://10.213.0.10:2379 --cacert=/pg/cert/ca.crt del --prefix /pg/pg-test/");
    }

    @Test
    void restApiOverHttps_isRefusedAtTheKey_untilItIsRendered() {
        Inventory inv = SANDBOX.withCluster(SANDBOX.requireCluster("pg-test").toBuilder().var("patroni_ssl_enabled", true).build());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HaFiles.plan(inv, Playbook.pgsqlCreate("pg-test")))
                .isInstanceOfSatisfying(io.pigsty.model.ValidationException.class, e -> assertThat(e.violations())
                        .singleElement().satisfies(v -> assertThat(v.path()).isEqualTo("all.children.pg-test.vars.patroni_ssl_enabled")));
    }

    @Test
    void withoutPki_noSslParameters() {
        String text = HaFiles.files(HaFiles.plan(SANDBOX, Playbook.pgsqlCreate("pg-test")), "10.213.0.11")
                .get("/etc/patroni/patroni.yml").text();
        assertThat(text).doesNotContain("ssl");
    }
}
