package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nothing read from an inventory (raw values, nested maps and lists, extras) can change it. */
class DeepImmutabilityTest {
    private static final String YAML = """
            all:
              children:
                etcd: { hosts: { 10.1.1.9: { etcd_seq: 1 } } }
                pg-x:
                  hosts: { 10.1.1.1: { pg_seq: 1, pg_role: primary } }
                  vars:
                    pg_cluster: pg-x
                    vendor: { tier: gold, racks: [r1, { name: r2 }] }
                    pg_users: [ { name: dbuser_app, vendor_note: { owner: [team-a] } } ]
              vars: { vendor_global: [1, 2] }
            """;

    @Test
    @SuppressWarnings("unchecked")
    void rawValues_areDeeplyUnmodifiable() {
        Inventory inv = Inventory.parse(YAML, "x");
        String before = inv.toYaml();
        PgCluster c = inv.requireCluster("pg-x");

        Map<String, Object> vendor = (Map<String, Object>) c.vars().raw("vendor").orElseThrow();
        assertThatThrownBy(() -> vendor.put("tier", "free")).isInstanceOf(UnsupportedOperationException.class);
        List<Object> racks = (List<Object>) vendor.get("racks");
        assertThatThrownBy(() -> racks.add("r3")).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> r2 = (Map<String, Object>) racks.get(1);
        assertThatThrownBy(() -> r2.put("name", "evil")).isInstanceOf(UnsupportedOperationException.class);

        List<Object> global = (List<Object>) inv.vars().raw("vendor_global").orElseThrow();
        assertThatThrownBy(() -> global.set(0, 9)).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> viaResolved = (Map<String, Object>) inv.resolve(c).raw("vendor").orElseThrow();
        assertThatThrownBy(viaResolved::clear).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> viaAsMap = (Map<String, Object>) c.vars().asMap().get("vendor");
        assertThatThrownBy(viaAsMap::clear).isInstanceOf(UnsupportedOperationException.class);

        PgUser u = inv.resolve(c).get(Params.PG_USERS).get(0);
        List<Object> owners = (List<Object>) ((Map<String, Object>) u.extra().get("vendor_note")).get("owner");
        assertThatThrownBy(() -> owners.add("team-b")).isInstanceOf(UnsupportedOperationException.class);

        assertThat(inv.toYaml()).isEqualTo(before);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBuildersInputMap_isCopied_notShared() {
        Map<String, Object> mine = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>(List.of("a"));
        mine.put("l", list);
        Vars v = Vars.builder().var("vendor", mine).build();
        list.add("b");
        mine.put("x", 1);
        assertThat((Map<String, Object>) v.raw("vendor").orElseThrow()).isEqualTo(Map.of("l", List.of("a")));
    }
}
