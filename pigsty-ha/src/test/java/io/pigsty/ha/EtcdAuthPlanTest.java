package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.Secret;
import io.pigsty.test.DryRunExecutor;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** etcd's authentication as the plans render it: steps, files, masking, and a second dry apply that changes nothing. */
class EtcdAuthPlanTest {
    private static final Inventory INV = Inventory.sample("sandbox").withGeneratedPasswords(new SecureRandom());
    private static final PgCluster PG_TEST = INV.requireCluster("pg-test");
    private static final String ROOT = INV.resolveGlobal().get(Params.ETCD_ROOT_PASSWORD).reveal();
    private static final String CLUSTER = INV.resolve(PG_TEST).get(Params.PG_ETCD_PASSWORD).reveal();

    private static Pigsty pigsty(Inventory inv) {
        return Pigsty.builder().inventory(inv).serviceLoader(false).module(new EtcdModule()).module(new PatroniModule())
                .module(new VipModule()).build();
    }

    @Test
    void byDefault_etcdEnablesAuth_andTheClusterGetsItsUser_noPasswordInAnyRendering() {
        String etcd = pigsty(INV).plan(Playbook.etcd()).render().toText(false);
        assertThat(etcd).contains("etcd:auth: etcd authentication enabled", "etcdctl auth enable",
                "/etc/etcd/etcd.pass 0600 root:root (secret)").doesNotContain(ROOT);
        Plan pgsql = pigsty(INV).plan(Playbook.pgsqlCreate("pg-test"));
        String text = pgsql.render().toText(false);
        assertThat(text).contains("etcd:user:pg-test: etcd user and role pg-test: read/write on /pg/pg-test/ only",
                "role grant-permission pg-test --prefix=true readwrite /pg/pg-test/")
                .doesNotContain(ROOT).doesNotContain(CLUSTER);
        assertThat(text.indexOf("etcd:user:pg-test")).as("the user exists before Patroni starts")
                .isLessThan(text.indexOf("service:patroni"));
        assertThat(pgsql.render().toJson()).doesNotContain(ROOT).doesNotContain(CLUSTER);
        Map<String, FileSpec> files = HaFiles.files(pgsql, "10.213.0.11");
        FileSpec patroni = files.get("/etc/patroni/patroni.yml");
        assertThat(patroni.secret()).isTrue();
        assertThat(patroni.mode()).isEqualTo("0600");
        assertThat(patroni.owner()).isEqualTo("postgres");
        assertThat(patroni.text()).contains("  username: 'pg-test'\n  password: '" + CLUSTER + "'\n");
    }

    @Test
    void theStrictDryRun_appliesEtcdAndPgsql_andASecondApplyChangesNothing() {
        DryRunExecutor.Builder b = DryRunExecutor.builder().installed("patroni", "4.0.7-3~deb13u1").installed("etcd-server", "3.5.16-4");
        Plan etcd = pigsty(INV).plan(Playbook.etcd());
        Plan pgsql = pigsty(INV).plan(Playbook.pgsqlCreate("pg-test"));
        DryRunExecutor dry = b.model(etcd).model(pgsql).build();
        for (Plan p : new Plan[] {etcd, pgsql}) {
            ApplyResult first = p.apply(dry, PlanListener.NONE);
            assertThat(first.ok()).as(first.summary()).isTrue();
            assertThat(first.changedSteps()).anyMatch(s -> s.contains("etcd:"));
            ApplyResult second = p.apply(dry, PlanListener.NONE);
            assertThat(second.changedCount()).as(second.summary()).isZero();
        }
        // what the dry run recorded of the commands and their hosts names no password
        assertThat(dry.recorded()).noneMatch(r -> r.detail().contains(ROOT) || r.detail().contains(CLUSTER));
    }

    @Test
    void authOff_isHonoured_noUserNoCredentials_andEtcdDisablesAuth() {
        Inventory off = Inventory.parse(Inventory.sample("sandbox").toYaml().replace("\n  vars:\n", "\n  vars:\n    etcd_auth_enabled: false\n"),
                "off");
        assertThat(off.resolveGlobal().get(Params.ETCD_AUTH_ENABLED)).isFalse();
        String etcd = pigsty(off).plan(Playbook.etcd()).render().toText(false);
        assertThat(etcd).contains("etcd authentication disabled", "r auth disable").doesNotContain("etcd.pass");
        Plan pgsql = pigsty(off).plan(Playbook.pgsqlCreate("pg-test"));
        assertThat(pgsql.render().toText(false)).doesNotContain("etcd:user:").doesNotContain("ETCDCTL_USER");
        assertThat(HaFiles.files(pgsql, "10.213.0.11").get("/etc/patroni/patroni.yml").text()).doesNotContain("username: 'pg-test'").doesNotContain("password: 'pg-test'");
        assertThat(pigsty(off).plan(Playbook.pgsqlRemove("pg-test").allowLive()).render().toText(false))
                .contains("ETCDCTL_API=3 etcdctl --endpoints=http://10.213.0.10:2379 del --prefix /pg/pg-test/");
    }

    @Test
    void pgsqlRm_deletesTheClustersKeysAsItsUser_thePasswordOnStdin() {
        String rm = pigsty(INV).plan(Playbook.pgsqlRemove("pg-test").allowLive()).render().toText(false);
        assertThat(rm).contains("IFS= read -r pw; ETCDCTL_API=3 ETCDCTL_USER=pg-test ETCDCTL_PASSWORD=\"$pw\" etcdctl "
                + "--endpoints=http://10.213.0.10:2379 del --prefix /pg/pg-test/").doesNotContain(CLUSTER);
        assertThat(Secret.of(CLUSTER)).isEqualTo(io.pigsty.ha.internal.EtcdAuth.password(INV, PG_TEST));
        assertThat(io.pigsty.ha.internal.EtcdAuth.password(Inventory.sample("sandbox"),
                Inventory.sample("sandbox").requireCluster("pg-test")).reveal()).as("Pigsty's default: the cluster name").isEqualTo("pg-test");
    }
}
