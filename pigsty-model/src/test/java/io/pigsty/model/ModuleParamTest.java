package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A module declares its own keys: read typed, type-checked at their path, set told from defaulted. */
class ModuleParamTest {
    static final Param<Duration> WINDOW = Param.define("vendor_test_window", Param.Type.SECONDS, Duration.ofSeconds(30),
            Scope.CLUSTER, "a vendor's own setting, in seconds as Pigsty writes them");

    @Test
    void aModulesOwnParam_isTyped_validated_andToldSetFromDefault() {
        String yaml = """
                all:
                  children:
                    etcd: { hosts: { 10.1.1.9: { etcd_seq: 1 } } }
                    pg-a:
                      hosts: { 10.1.1.1: { pg_seq: 1, pg_role: primary } }
                      vars: { pg_cluster: pg-a, vendor_test_window: 90 }
                    pg-b:
                      hosts: { 10.1.1.2: { pg_seq: 1, pg_role: primary } }
                      vars: { pg_cluster: pg-b }
                """;
        Inventory inv = Inventory.parse(yaml, "x");
        var a = inv.resolve(inv.requireCluster("pg-a"));
        var b = inv.resolve(inv.requireCluster("pg-b"));
        assertThat(a.get(WINDOW)).isEqualTo(Duration.ofSeconds(90));
        assertThat(a.isSet(WINDOW)).isTrue();
        assertThat(b.get(WINDOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.isSet(WINDOW)).isFalse();
        assertThat(b.isSet(Params.PG_PORT)).isFalse();
        assertThat(Params.byName("vendor_test_window")).contains(WINDOW);

        Inventory bad = Inventory.parseUnvalidated(yaml.replace("vendor_test_window: 90", "vendor_test_window: soon"), "y");
        assertThat(bad.validate().errors()).extracting(Violation::toString)
                .containsExactly("all.children.pg-a.vars.vendor_test_window: expected a number of seconds (>= 0), got 'soon'");
        assertThatThrownBy(() -> Param.define("vendor_test_window", Param.Type.INT, 1, Scope.GLOBAL, "again"))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("already declared");
        assertThatThrownBy(() -> Param.define("Bad Name", Param.Type.INT, 1, Scope.GLOBAL, "x"))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("name: 'Bad Name'");
        assertThat(List.of(Param.Type.STRING, Param.Type.SECRET)).doesNotContainNull();
    }
}
