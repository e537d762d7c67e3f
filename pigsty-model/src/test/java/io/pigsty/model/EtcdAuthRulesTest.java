package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** etcd's authentication keys: what validation refuses and warns about, and what it accepts. */
class EtcdAuthRulesTest {
    private static final String OUTSIDE = """
            all:
              children:
                etcd: { hosts: { 10.10.10.10: { etcd_seq: 1 } } }
                pg-test:
                  hosts: { 10.10.10.11: { pg_seq: 1, pg_role: primary } }
                  vars: { pg_cluster: pg-test }
              vars:
                admin_ip: 10.10.10.10
                pg_admin_password: Admin.Secret1
                pg_monitor_password: Mon.Secret1
                pg_replication_password: Repl.Secret1
                patroni_password: Patroni.Secret1
                haproxy_admin_password: Ha.Secret1
            """;

    private static List<String> etcdFindings(List<Violation> all) {
        return all.stream().map(Violation::toString).filter(v -> v.contains("etcd")).toList();
    }

    @Test
    void defaults_outsideTheSandbox_warnAboutTheRootAndTheClusterPassword_generatedOnesDoNot() {
        Inventory inv = Inventory.parseUnvalidated(OUTSIDE, "outside");
        ValidationResult r = inv.validate();
        assertThat(r.errors()).isEmpty();
        assertThat(etcdFindings(r.warnings())).containsExactlyInAnyOrder(
                "all.vars.etcd_root_password: keeps Pigsty's default password for etcd's root user outside the sandbox: "
                        + "set your own or use Inventory.withGeneratedPasswords()",
                "all.children.pg-test.vars.pg_etcd_password: the etcd user of pg-test has the cluster's name as password "
                        + "(Pigsty's default, its issue #708) outside the sandbox: set pg_etcd_password or use "
                        + "Inventory.withGeneratedPasswords()");
        Inventory strong = inv.withGeneratedPasswords(new SecureRandom());
        assertThat(etcdFindings(strong.validate().violations())).isEmpty();
        Secret generated = strong.resolve(strong.requireCluster("pg-test")).get(Params.PG_ETCD_PASSWORD);
        assertThat(generated.reveal()).hasSize(24).isNotEqualTo("pg-test");
    }

    @Test
    void authOff_needsNoRootPassword_andWarnsAboutNone() {
        Inventory inv = Inventory.parseUnvalidated(OUTSIDE.replace("    admin_ip: 10.10.10.10\n",
                "    admin_ip: 10.10.10.10\n    etcd_auth_enabled: false\n    etcd_root_password: ''\n"), "off");
        assertThat(etcdFindings(inv.validate().violations())).isEmpty();
        assertThat(inv.resolveGlobal().get(Params.ETCD_AUTH_ENABLED)).isFalse();
    }

    @Test
    void pigstysDefault_isAuthOn_andTheSandboxKeepsItsDefaultPasswordsQuietly() {
        Inventory sandbox = Inventory.sample("sandbox");
        assertThat(sandbox.resolveGlobal().get(Params.ETCD_AUTH_ENABLED)).isTrue();
        assertThat(sandbox.resolveGlobal().get(Params.ETCD_ROOT_PASSWORD).reveal()).isEqualTo("Etcd.Root");
        assertThat(etcdFindings(sandbox.validate().violations())).isEmpty();
    }

    @Test
    void theClusterPrefix_isPatronisNamespaceAndScope() {
        assertThat(Names.dcsPrefix("/pg", "pg-test")).isEqualTo("/pg/pg-test/");
        assertThat(Names.dcsPrefix("/pg/", "pg-test")).isEqualTo("/pg/pg-test/");
        assertThat(Names.dcsPrefix("/service//", "pg-meta")).isEqualTo("/service/pg-meta/");
    }
}
