package io.pigsty.ha.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Secret;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The members JMESPath selectors see are built node by node for speed: they must equal, node type
 * included (JsonNode equality tells an int from a long), what serialising the vars through
 * Jackson gave.
 */
class HaSupportMembersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String YAML = """
            all:
              vars:
                pg_weird_global: { a: [1, 2.5, ~, true, "x"], b: { c: 12345678901234 } }
                pg_admin_password: Admin.Secret.1
              children:
                etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }
                pg-test:
                  hosts:
                    10.213.0.11: { pg_seq: 1, pg_role: primary, my_float: 0.25, my_long: 9999999999 }
                    10.213.0.12: { pg_seq: 2, pg_role: replica, my_null: ~, my_list: [ [1], { k: v } ] }
                    10.213.0.13: { pg_seq: 3, pg_role: offline, pg_weight: 50 }
                  vars:
                    pg_cluster: pg-test
                    pg_users: [ { name: app, password: App.Secret.2, pgbouncer: true, roles: [dbrole_readwrite] } ]
                    pg_services:
                      - { name: extra, port: 5439, dest: default, check: /primary, selector: "[?pg_weight < `100`]" }
            """;

    @Test
    void members_equalWhatJacksonSerialisationGave() {
        Inventory inv = Inventory.parse(YAML, "t.yml");
        PgCluster c = inv.requireCluster("pg-test");
        ArrayNode expected = JSON.createArrayNode();
        for (PgInstance i : c.instances()) {
            Map<String, Object> vars = new LinkedHashMap<>(inv.resolve(c, i).asMap());
            vars.replaceAll((k, v) -> v instanceof Secret ? "******" : v);
            expected.add(JSON.valueToTree(vars));
        }
        ArrayNode actual = HaSupport.members(inv, c);
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.toString()).isEqualTo(expected.toString()).doesNotContain("Admin.Secret.1");
        assertThat(actual.get(0).get("my_long").isLong()).isTrue();
        assertThat(HaSupport.servers(inv, c, inv.resolve(c).get(io.pigsty.model.Params.PG_SERVICES).get(0), actual))
                .extracting(HaSupport.Server::getName).containsExactly("pg-test-3");
    }

    @Test
    void validation_keepsWhatSelectorsSelect_forPlanning_andACacheMissSelectsTheSame() {
        Inventory inv = Inventory.parseUnvalidated(YAML, "t.yml");
        PgCluster c = inv.requireCluster("pg-test");
        List<io.pigsty.model.PgService> services = new ArrayList<>(inv.resolve(c).get(io.pigsty.model.Params.PG_DEFAULT_SERVICES));
        services.addAll(inv.resolve(c).get(io.pigsty.model.Params.PG_SERVICES));
        // before validation: computed from the members
        List<List<HaSupport.Server>> cold = services.stream().map(s -> HaSupport.servers(inv, c, s, HaSupport.members(inv, c))).toList();
        assertThat(inv.validate().errors()).isEmpty();
        // after: the members are not needed any more, and the answer is the same
        java.util.function.Supplier<ArrayNode> none = () -> {
            throw new AssertionError("members built again after validation");
        };
        assertThat(services.stream().map(s -> HaSupport.servers(inv, c, s, none)).toList()).isEqualTo(cold);
        assertThat(cold.get(cold.size() - 1)).extracting(HaSupport.Server::getName).containsExactly("pg-test-3");
        // another inventory (same text, another object) is not answered from the first one's selections
        Inventory other = Inventory.parseUnvalidated(YAML.replace("pg_weight: 50", "pg_weight: 100")
                .replace("my_float: 0.25", "my_float: 0.25, pg_weight: 10"), "u.yml");
        PgCluster oc = other.requireCluster("pg-test");
        assertThat(HaSupport.servers(other, oc, services.get(services.size() - 1), HaSupport.members(other, oc)))
                .extracting(HaSupport.Server::getName).containsExactly("pg-test-1");
    }

    @Test
    void tree_ofEveryKindOfValue_isValueToTree() {
        Map<Object, Object> intKeys = new LinkedHashMap<>();
        intKeys.put(1, "one");
        List<Object> values = new ArrayList<>(Arrays.asList(null, "s", "", true, false, 0, -7, Integer.MAX_VALUE, 1L, Long.MIN_VALUE,
                0.0, -1.5, 1e300, 1.5f, (short) 3, new BigDecimal("1.10"), List.of(), List.of(1, "a"), Map.of(), Map.of("k", List.of(2L)),
                intKeys, new LinkedHashSet<>(List.of("a", "b")), Arrays.asList(1, null)));
        for (Object v : values) {
            JsonNode t = HaSupport.tree(v);
            JsonNode expected = JSON.valueToTree(v);
            assertThat(t).as("%s", v).isEqualTo(expected == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : expected);
            assertThat(t == null ? null : t.getNodeType()).as("%s", v).isEqualTo(expected == null ? t.getNodeType() : expected.getNodeType());
        }
    }

    @Test
    void membersWithOnlyTheKeysOfTheExpressions_selectWhatAllTheVarsSelect() {
        Inventory inv = Inventory.parse(YAML, "t.yml");
        PgCluster c = inv.requireCluster("pg-test");
        ArrayNode all = HaSupport.members(inv, c);
        List<String> exprs = List.of("[]", "[?pg_role == `primary`]", "[?pg_role == `replica` || pg_role == 'offline']",
                "[?pg_weight < `100`]", "[?my_float]", "[?pg_weird_global.b.c > `1`]", "[0:2]", "[?!my_list] | [1]",
                "[?pg_role == `primary`].pg_instance", "[?@.pg_seq > `1`]", "[*]", "[?length(my_list) > `0`]",
                "[?\"pg_role\" == 'replica']", "[?pg_role == 'a\\'b']", "[?keys(@)]");
        for (String e : exprs) {
            ArrayNode some = HaSupport.members(inv, c, List.of(e));
            assertThat(HaSupport.selectorProblem(() -> some, e)).isEqualTo(HaSupport.selectorProblem(() -> all, e));
            assertThat(names(e, some)).as(e).isEqualTo(names(e, all));
        }
        // only what the expression names (and pg_instance) is converted; anything it cannot name keeps every key
        assertThat(HaSupport.members(inv, c, List.of("[?pg_role == `primary`]")).get(0).size()).isEqualTo(2);
        assertThat(HaSupport.referencedKeys(List.of("[?pg_weight < `100`]", "[?@.x]"))).isEmpty();
        assertThat(HaSupport.referencedKeys(List.of("[?length(pg_role) > `1`]"))).isEmpty();
        assertThat(HaSupport.referencedKeys(List.of("[?pg_role == `primary`]")))
                .hasValueSatisfying(keys -> assertThat(keys).contains("pg_role", "pg_instance"));
        assertThat(HaSupport.members(inv, c, List.of("[?@]"))).isEqualTo(all);
    }

    private static List<String> names(String expr, ArrayNode members) {
        JsonNode r;
        try {
            r = new io.burt.jmespath.jackson.JacksonRuntime().compile(HaSupport.lenientLiterals(expr)).search(members);
        } catch (RuntimeException e) { // a function's argument of the wrong type: the same error either way
            return List.of("error: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        if (r != null && r.isArray()) {
            r.forEach(n -> out.add(n.path("pg_instance").asText()));
        }
        return out;
    }
}
