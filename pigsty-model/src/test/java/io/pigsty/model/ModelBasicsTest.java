package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBasicsTest {

    @Test
    void secret_isNeverShown() {
        Secret s = Secret.of("Very.Secret1");
        assertThat(s.toString()).isEqualTo("******");
        PgUser u = PgUser.named("app").password(s).build();
        assertThat(u.toString()).doesNotContain("Very.Secret1");
        assertThat(Vars.builder().set(Params.PG_ADMIN_PASSWORD, s).build().toString()).doesNotContain("Very.Secret1");
        assertThat(s.reveal()).isEqualTo("Very.Secret1");
    }

    @Test
    void validationMessages_neverContainSecrets() {
        Inventory inv = Inventory.builder().set(Params.PG_ADMIN_PASSWORD, Secret.of("Top.Secret9"))
                .cluster(PgCluster.named("pg-x").instance(1, "10.1.1.1", Role.PRIMARY)
                        .user(PgUser.named("Bad-Name").password("User.Secret9").roles("nope")))
                .build();
        String all = inv.validate().violations().toString();
        assertThat(all).doesNotContain("Top.Secret9").doesNotContain("User.Secret9").contains("Bad-Name");
    }

    @Test
    void collections_areUnmodifiable_andBuildersCopy() {
        PgCluster.Builder b = PgCluster.named("pg-x").instance(1, "10.1.1.1", Role.PRIMARY);
        PgCluster c1 = b.build();
        b.instance(2, "10.1.1.2", Role.REPLICA);
        assertThat(c1.instances()).hasSize(1);
        assertThatThrownBy(() -> c1.instances().add(c1.instances().get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Defaults.defaultRoles().get(0).roles().add("x")).isInstanceOf(UnsupportedOperationException.class);
        PgUser u = PgUser.named("app").roles("a").build();
        PgUser u2 = u.toBuilder().roles("b").build();
        assertThat(u.roles()).containsExactly("a");
        assertThat(u2.roles()).containsExactly("b");
    }

    @Test
    void precedence_instanceOverClusterOverGlobalOverDefault() {
        Inventory inv = Inventory.builder().set(Params.PG_WEIGHT, 10).set(Params.PG_PORT, 5000)
                .cluster(PgCluster.named("pg-x").set(Params.PG_WEIGHT, 20)
                        .instance(1, "10.1.1.1", Role.PRIMARY, i -> i.weight(30))
                        .instance(2, "10.1.1.2", Role.REPLICA))
                .build();
        PgCluster c = inv.requireCluster("pg-x");
        assertThat(inv.resolve(c, c.instance(1).orElseThrow()).get(Params.PG_WEIGHT)).isEqualTo(30);
        assertThat(inv.resolve(c, c.instance(2).orElseThrow()).get(Params.PG_WEIGHT)).isEqualTo(20);
        assertThat(inv.resolve(c).get(Params.PG_PORT)).isEqualTo(5000);
        assertThat(inv.resolve(c).get(Params.PGBOUNCER_PORT)).isEqualTo(6432);
        assertThat(inv.resolve(c, c.instance(2).orElseThrow()).asMap())
                .containsEntry("pg_role", "replica").containsEntry("pg_instance", "pg-x-2").containsEntry("pg_port", 5000);
    }

    @Test
    void withCluster_replacesByNameOrAdds() {
        Inventory inv = Inventory.sample("sandbox");
        PgCluster test = inv.requireCluster("pg-test").toBuilder().rto(RtoMode.WIDE).build();
        Inventory replaced = inv.withCluster(test);
        assertThat(replaced.clusters()).extracting(PgCluster::name).containsExactly("pg-meta", "pg-test");
        assertThat(replaced.resolve(replaced.requireCluster("pg-test")).get(Params.PG_RTO)).isEqualTo(RtoMode.WIDE);
        Inventory added = inv.withCluster(PgCluster.named("pg-new").instance(1, "10.213.0.20", Role.PRIMARY).build());
        assertThat(added.clusters()).hasSize(3);
        assertThat(inv.clusters()).hasSize(2);
    }

    @Test
    void derivedNames_comeFromOnePlace() {
        assertThat(Names.instance("pg-test", 1)).isEqualTo("pg-test-1");
        assertThat(Names.service("pg-test", "primary")).isEqualTo("pg-test-primary");
        assertThat(Names.leaderKey("/pg", "pg-test")).isEqualTo("/pg/pg-test/leader");
    }

    @Test
    void defaultPasswords_warnOutsideTheSandbox_namingEachOne() {
        Inventory inv = Inventory.builder().etcd("10.1.1.9")
                .cluster(PgCluster.named("pg-x").instance(1, "10.1.1.1", Role.PRIMARY)).build();
        List<String> warnings = inv.validate().warnings().stream().map(Violation::toString).toList();
        assertThat(warnings).anyMatch(w -> w.startsWith("all.vars.pg_admin_password:") && w.contains("dbuser_dba"))
                .anyMatch(w -> w.startsWith("all.vars.pg_replication_password:") && w.contains("replicator"))
                .anyMatch(w -> w.startsWith("all.vars.patroni_password:"));
        assertThat(inv.validate().isValid()).isTrue();
        assertThat(Inventory.sample("sandbox").validate().warnings()).isEmpty();

        Inventory strong = inv.withGeneratedPasswords(new SecureRandom());
        assertThat(strong.validate().warnings()).isEmpty();
        assertThat(strong.resolveGlobal().get(Params.PG_ADMIN_PASSWORD).reveal()).hasSize(24)
                .isNotEqualTo(Defaults.ADMIN_PASSWORD);
    }

    @Test
    void parseErrors_nameSourceLineAndColumn() {
        assertThatThrownBy(() -> Inventory.parse("all:\n  vars:\n    a: [1, 2\n", "bad.yml"))
                .isInstanceOf(InventoryParseException.class)
                .hasMessageStartingWith("bad.yml:")
                .satisfies(e -> assertThat(((InventoryParseException) e).line()).isGreaterThan(0));
        assertThatThrownBy(() -> Inventory.parse("all:\n  vars:\n    a: 1\n    a: 2\n", "dup.yml"))
                .isInstanceOf(InventoryParseException.class).hasMessageContaining("dup.yml:4");
        assertThatThrownBy(() -> Inventory.parse("foo: 1\n", "nokey.yml"))
                .isInstanceOf(InventoryParseException.class).hasMessageContaining("missing top-level key 'all'");
    }

    @Test
    void unknownKeys_surviveTheRoundTrip() {
        String yaml = "all:\n  children:\n    etcd: { hosts: { 10.1.1.9: { etcd_seq: 1 } } }\n    pg-x:\n      hosts:\n        10.1.1.1: { pg_seq: 1, pg_role: primary, my_rack: r1 }\n"
                + "      vars: { pg_cluster: pg-x, vendor: { tier: gold } }\n  vars: { vendor_global: [1, 2] }\n";
        Inventory inv = Inventory.parse(yaml, "x");
        String out = inv.toYaml();
        assertThat(out).contains("my_rack: r1").contains("vendor_global").contains("tier: gold");
        assertThat(Inventory.parse(out, "y")).isEqualTo(inv);
        assertThat(inv.requireCluster("pg-x").vars().passthrough()).containsKey("vendor");
    }
}
