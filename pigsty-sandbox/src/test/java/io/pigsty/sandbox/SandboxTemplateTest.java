package io.pigsty.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.model.DebianRelease;
import io.pigsty.model.Inventory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which template each sandbox node boots: chosen by {@code node_os}, cached per release (no root needed). */
class SandboxTemplateTest {
    static final String INV = """
            all:
              children:
                infra: { hosts: { 10.213.0.10: { infra_seq: 1 } } }
                etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }
                pg-test:
                  hosts:
                    10.213.0.11: { pg_seq: 1, pg_role: primary }
                    10.213.0.12: { pg_seq: 2, pg_role: replica }
                  vars: { pg_cluster: pg-test, pg_version: 15, node_os: debian12 }
                pg-v17:
                  hosts:
                    10.213.0.14: { pg_seq: 1, pg_role: primary }
                    10.213.0.15: { pg_seq: 2, pg_role: replica, node_os: d13 }
                  vars: { pg_cluster: pg-v17, pg_version: 17, node_os: debian13 }
              vars: { admin_ip: 10.213.0.10 }
            """;

    @Test
    void aDebian13Node_getsTheDebian13Template_everyOtherNodeDebian12s(@TempDir Path dir) {
        Sandbox s = Sandbox.builder().nodes(6).workDir(dir).nodeOs(Inventory.parse(INV, "t")).build();
        Path d12 = s.template(DebianRelease.DEBIAN12);
        Path d13 = s.template(DebianRelease.DEBIAN13);
        // the Debian 12 cache key is the one CI and the running sandbox already have: it must not move
        assertThat(d12).isEqualTo(dir.resolve("template-132919dca167")).isEqualTo(s.template());
        assertThat(d13.getParent()).isEqualTo(dir);
        assertThat(d13.getFileName().toString()).matches("template-debian13-[0-9a-f]{12}");
        for (SandboxNode n : s.nodes()) {
            boolean v17 = n.ip().equals("10.213.0.14") || n.ip().equals("10.213.0.15");
            assertThat(n.os()).as(n.ip()).isEqualTo(v17 ? DebianRelease.DEBIAN13 : DebianRelease.DEBIAN12);
            assertThat(n.template()).as(n.ip()).isEqualTo(v17 ? d13 : d12);
        }
        // .13 is in no group of the inventory: Debian 12, like a sandbox built without one
        assertThat(s.node(3).template()).isEqualTo(d12);
    }

    @Test
    void withoutAChoice_everyNodeIsDebian12_andAnIndexCanBeSetByHand(@TempDir Path dir) {
        Sandbox plain = Sandbox.builder().nodes(3).workDir(dir).build();
        assertThat(plain.nodes()).allMatch(n -> n.os() == DebianRelease.DEBIAN12 && n.template().equals(plain.template()));
        Sandbox one = Sandbox.builder().nodes(3).workDir(dir).nodeOs(2, DebianRelease.DEBIAN13).build();
        assertThat(one.node(2).template()).isEqualTo(one.template(DebianRelease.DEBIAN13));
        assertThat(one.node(1).template()).isEqualTo(one.template(DebianRelease.DEBIAN12));
    }

    @Test
    void aGlobalNodeOs_appliesToEveryHostTheInventoryNames(@TempDir Path dir) {
        Inventory inv = Inventory.parse(INV.replace("pg_version: 15, node_os: debian12", "pg_version: 17")
                .replace("vars: { admin_ip: 10.213.0.10 }", "vars: { admin_ip: 10.213.0.10, node_os: trixie }"), "g");
        Sandbox s = Sandbox.builder().nodes(6).workDir(dir).nodeOs(inv).build();
        assertThat(s.nodes().stream().map(SandboxNode::os).toList()).containsExactly(DebianRelease.DEBIAN13,
                DebianRelease.DEBIAN13, DebianRelease.DEBIAN13, DebianRelease.DEBIAN12, DebianRelease.DEBIAN13, DebianRelease.DEBIAN13);
    }

    @Test
    void anUnknownOs_orTwoDifferentOnesForOneHost_areRefusedNamingTheHost(@TempDir Path dir) {
        Inventory unknown = Inventory.parseUnvalidated(INV.replace("node_os: d13", "node_os: centos9"), "u");
        assertThatThrownBy(() -> Sandbox.builder().workDir(dir).nodeOs(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host 10.213.0.15").hasMessageContaining("unknown node_os 'centos9'");
        Inventory twice = Inventory.parseUnvalidated(INV.replace("infra: { hosts: { 10.213.0.10: { infra_seq: 1 } } }",
                "infra: { hosts: { 10.213.0.10: { infra_seq: 1 } }, vars: { node_os: debian13 } }")
                .replace("etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }",
                        "etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } }, vars: { node_os: debian12 } }"), "t");
        assertThatThrownBy(() -> Sandbox.builder().workDir(dir).nodeOs(twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host 10.213.0.10 has node_os 'debian13' in one group and 'debian12' in another");
    }

    @Test
    void theTwoRecipes_differAndNameTheirSuites() {
        assertThat(Sandbox.recipe(DebianRelease.DEBIAN12)).isEqualTo(Sandbox.recipe()).contains(" bookworm\n");
        assertThat(Sandbox.recipe(DebianRelease.DEBIAN13)).contains(" trixie\n").contains("postgresql-17 ")
                .contains("postgresql-17-pgvector").contains("postgresql-17-postgis-3").contains("postgresql-17-cron")
                .doesNotContain("/trixie").doesNotContain("postgresql-15");
    }
}
