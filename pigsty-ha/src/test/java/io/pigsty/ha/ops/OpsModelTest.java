package io.pigsty.ha.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.api.Pigsty;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgTuning;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Role;
import io.pigsty.model.RtoMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsModelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Inventory INV = Inventory.sample("sandbox");

    /** The shape Patroni 4.0 answers GET /cluster with (captured from the sandbox). */
    static final String CLUSTER = """
            {"members": [
              {"name": "pg-test-1", "role": "replica", "state": "streaming", "api_url": "http://10.213.0.11:8008/patroni",
               "host": "10.213.0.11", "port": 5432, "timeline": 3, "receive_lag": 0, "replay_lag": 0, "lag": 0},
              {"name": "pg-test-2", "role": "leader", "state": "running", "api_url": "http://10.213.0.12:8008/patroni",
               "host": "10.213.0.12", "port": 5432, "timeline": 3},
              {"name": "pg-test-3", "role": "sync_standby", "state": "streaming", "api_url": "http://10.213.0.13:8008/patroni",
               "host": "10.213.0.13", "port": 5432, "timeline": 3, "lag": 16384, "pending_restart": true,
               "tags": {"nofailover": false}}
            ], "scope": "pg-test"}""";

    @Test
    void clusterStatus_fromPatroniAnswer() throws Exception {
        ClusterStatus s = PatroniClient.parseCluster("pg-test", JSON.readTree(CLUSTER));
        assertThat(s.leader()).map(MemberStatus::name).contains("pg-test-2");
        assertThat(s.syncStandbys()).extracting(MemberStatus::name).containsExactly("pg-test-3");
        assertThat(s.member("pg-test-3").orElseThrow().lagBytes()).hasValue(16384);
        assertThat(s.member("pg-test-3").orElseThrow().pendingRestart()).isTrue();
        assertThat(s.member("pg-test-1").orElseThrow().apiBase()).contains("http://10.213.0.11:8008");
        assertThat(s.timeline()).isEqualTo(3);
        assertThat(s.toTable()).contains("pg-test-2").contains("pending restart");
    }

    @Test
    void dcsChange_rtoSetsTheModeTimings() {
        JsonNode j = DcsChange.rto(RtoMode.FAST).json();
        assertThat(j.path("ttl").asInt()).isEqualTo(20);
        assertThat(j.path("loop_wait").asInt()).isEqualTo(5);
        assertThat(j.path("retry_timeout").asInt()).isEqualTo(5);
        assertThat(j.path("primary_start_timeout").asInt()).isEqualTo(15);
        assertThat(DcsChange.rto(RtoMode.WIDE).json().path("ttl").asInt()).isEqualTo(120);
    }

    @Test
    void dcsChange_rpoZeroIsSynchronous_critIsStrict() {
        JsonNode zero = DcsChange.rpo(0, PgTuning.OLTP).json();
        assertThat(zero.path("synchronous_mode").asBoolean()).isTrue();
        assertThat(zero.path("synchronous_mode_strict").asBoolean()).isFalse();
        JsonNode async = DcsChange.rpo(1048576, PgTuning.OLTP).json();
        assertThat(async.path("synchronous_mode").asBoolean()).isFalse();
        assertThat(async.path("maximum_lag_on_failover").asLong()).isEqualTo(1048576);
        JsonNode crit = DcsChange.rpo(1048576, PgTuning.CRIT).json();
        assertThat(crit.path("synchronous_mode_strict").asBoolean()).isTrue();
        assertThatThrownBy(() -> DcsChange.rpo(-1, PgTuning.OLTP)).hasMessageContaining("pg_rpo").hasMessageContaining("-1");
    }

    @Test
    void dcsChange_combinesAndRecognisesItsEffect() throws Exception {
        DcsChange c = DcsChange.rto(RtoMode.NORM).and(DcsChange.parameters(Map.of("work_mem", "64MB")));
        JsonNode served = JSON.readTree("""
                {"ttl": 30, "loop_wait": 5, "retry_timeout": 10, "primary_start_timeout": 25, "synchronous_mode": false,
                 "postgresql": {"parameters": {"work_mem": "64MB", "max_connections": 100}}}""");
        assertThat(c.appliedIn(served)).isTrue();
        // the public form: maps as GET /config gives them through ClusterOperations.config()
        assertThat(c.isAppliedIn(JSON.convertValue(served, Map.class))).isTrue();
        JsonNode old = JSON.readTree("""
                {"ttl": 20, "loop_wait": 5, "retry_timeout": 5, "primary_start_timeout": 15,
                 "postgresql": {"parameters": {"work_mem": "64MB"}}}""");
        assertThat(c.appliedIn(old)).isFalse();
        assertThat(c.isAppliedIn(JSON.convertValue(old, Map.class))).isFalse();
        assertThat(DcsChange.parameters(Map.of("work_mem", "64MB")).isAppliedIn(Map.of())).isFalse();
        assertThatThrownBy(() -> DcsChange.of(Map.of("ttl", new Object()))).isInstanceOf(io.pigsty.model.InvalidValueException.class)
                .hasMessageContaining("patch: a DCS patch holds maps, lists");
        java.util.Map<String, Object> del = new java.util.HashMap<>();
        del.put("postgresql", Map.of("parameters", Map.of("work_mem", "64MB")));
        del.put("standby_cluster", null);
        DcsChange fromMap = DcsChange.of(del);
        assertThat(fromMap.json().path("standby_cluster").isNull()).as("null deletes the key in PATCH /config").isTrue();
        assertThat(fromMap.isAppliedIn(Map.of("postgresql", Map.of("parameters", Map.of("work_mem", "64MB"))))).isTrue();
        assertThat(fromMap.toMap()).containsEntry("postgresql", Map.of("parameters", Map.of("work_mem", "64MB")))
                .containsKey("standby_cluster");
        assertThatThrownBy(() -> fromMap.toMap().put("ttl", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Map<String, Object>) fromMap.toMap().get("postgresql")).clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rtoRpoChange_followsTheInventory() {
        DcsChange c = ClusterOperations.rtoRpoChange(INV, "pg-test");
        assertThat(c.json().path("ttl").asInt()).as("the sandbox sample runs pg_rto fast").isEqualTo(20);
        assertThat(c.json().path("maximum_lag_on_failover").asLong()).isEqualTo(1048576);
    }

    @Test
    void scaleIn_removesOneReplica_thenServicesWithoutIt() {
        List<Plan> plans = ScalePlans.scaleIn(Pigsty.builder().inventory(INV).build(), "pg-test", "pg-test-3");
        assertThat(plans).extracting(Plan::playbook).containsExactly("pgsql-rm pg-test", "pgsql-svc pg-test", "pgsql-hba pg-test");
        assertThat(plans.get(0).hosts()).extracting(Host::address).containsExactly("10.213.0.13");
        String rm = plans.get(0).render().toText();
        assertThat(rm).contains("patroni:stop").doesNotContain("patroni:dcs-rm").contains("while it is the primary");
        String svc = plans.get(1).render().toText();
        assertThat(plans.get(1).hosts()).extracting(Host::address).containsExactly("10.213.0.11", "10.213.0.12");
        assertThat(svc).doesNotContain("10.213.0.13:");
    }

    @Test
    void scaleIn_refusesThePrimaryAndTheLastMember() {
        Pigsty p = Pigsty.builder().inventory(INV).build();
        assertThatThrownBy(() -> ScalePlans.scaleIn(p, "pg-test", "10.213.0.11")).isInstanceOf(PigstyException.class)
                .hasMessageContaining("is the primary");
        assertThatThrownBy(() -> ScalePlans.scaleIn(p, "pg-meta", "pg-meta-1")).hasMessageContaining("last member");
        assertThatThrownBy(() -> ScalePlans.scaleIn(p, "pg-test", "pg-test-7")).hasMessageContaining("not a member");
    }

    @Test
    void withLiveRoles_followsTheLeader() throws Exception {
        ClusterStatus s = PatroniClient.parseCluster("pg-test", JSON.readTree(CLUSTER));
        Inventory live = ScalePlans.withLiveRoles(INV, s);
        assertThat(live.requireCluster("pg-test").primary().orElseThrow().ip()).isEqualTo("10.213.0.12");
        assertThat(live.requireCluster("pg-test").instanceAt("10.213.0.11").orElseThrow().role()).isEqualTo(Role.REPLICA);
        assertThat(live.requireCluster("pg-test").instanceAt("10.213.0.13").orElseThrow().role())
                .as("other roles stay").isEqualTo(INV.requireCluster("pg-test").instanceAt("10.213.0.13").orElseThrow().role());
        assertThat(live.validate().isValid()).isTrue();
    }
}
