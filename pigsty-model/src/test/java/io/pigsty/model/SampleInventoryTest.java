package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SampleInventoryTest {

    @ParameterizedTest
    @ValueSource(strings = {"meta", "sandbox"})
    void sample_loadsValidatesAndRoundTripsLosslessly(String name) {
        Inventory inv = Inventory.sample(name);
        assertThat(inv.validate().violations()).isEmpty();
        String yaml = inv.toYaml();
        Inventory again = Inventory.parse(yaml, "rewritten");
        assertThat(again).isEqualTo(inv);
        assertThat(again.toYaml()).isEqualTo(yaml);
        Inventory fromJson = Inventory.fromJson(inv.toJson());
        assertThat(fromJson).isEqualTo(inv);
    }

    @Test
    void sandbox_hasTheDocumentedTopology() {
        Inventory inv = Inventory.sample("sandbox");
        PgCluster test = inv.requireCluster("pg-test");
        assertThat(test.instances()).extracting(PgInstance::ip)
                .containsExactly("10.213.0.11", "10.213.0.12", "10.213.0.13");
        assertThat(test.primary()).map(PgInstance::seq).contains(1);
        PgInstance offline = test.instance(3).orElseThrow();
        assertThat(inv.resolve(test, offline).get(Params.PG_OFFLINE_QUERY)).isTrue();
        assertThat(inv.resolve(test, test.instance(2).orElseThrow()).get(Params.PG_OFFLINE_QUERY)).isFalse();
        assertThat(inv.resolve(test).get(Params.PG_VIP_ADDRESS)).isEqualTo("10.213.0.3/24");
        assertThat(inv.resolve(test).get(Params.PG_RTO)).isEqualTo(RtoMode.FAST);
        assertThat(test.users()).extracting(PgUser::name).containsExactly("test");
        assertThat(test.databases()).extracting(PgDatabase::name).containsExactly("test");
        assertThat(inv.resolve(test).get(Params.PG_DEFAULT_ROLES)).extracting(PgUser::name).contains("dbuser_dba");
        assertThat(inv.etcd().orElseThrow().nodes()).hasSize(1);
        assertThat(inv.resolve(test).get(Params.PG_DEFAULT_SERVICES)).extracting(PgService::port)
                .containsExactly(5433, 5434, 5436, 5438);
        assertThat(inv.hosts()).isEqualTo(List.of("10.213.0.10", "10.213.0.11", "10.213.0.12", "10.213.0.13"));
    }
}
