package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.model.Inventory;
import io.pigsty.model.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HA module's rules run inside {@code Inventory.validate()} (ServiceLoader), with Pigsty's paths. */
class HaInventoryRulesTest {
    private static final String YAML = """
            all:
              children:
                etcd: { hosts: { 10.213.0.10: { etcd_seq: 1 } } }
                pg-test:
                  hosts:
                    10.213.0.11: { pg_seq: 1, pg_role: primary }
                    10.213.0.12: { pg_seq: 2, pg_role: replica }
                  vars:
                    pg_cluster: pg-test
                    pg_services:
                      - { name: standby, port: 5435, dest: default, check: /sync, selector: "[?pg_role == `replica`" }
                      - { name: good, port: 5439, dest: default, check: /primary, selector: "[?pg_role == `replica`]", backup: "[?pg_seq =>= `1`]" }
            """;

    @Test
    void badSelectors_areValidationErrors_atTheirPath() {
        Inventory inv = Inventory.parseUnvalidated(YAML, "t.yml");
        List<String> errors = inv.validate().errors().stream().map(Violation::toString).toList();
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).startsWith("all.children.pg-test.vars.pg_services[0].selector: invalid JMESPath '[?pg_role == `replica`'");
        assertThat(errors.get(1)).startsWith("all.children.pg-test.vars.pg_services[1].backup: invalid JMESPath");
        String good = YAML.replace("selector: \"[?pg_role == `replica`\" }", "selector: \"[?pg_role == `replica`]\" }")
                .replace("[?pg_seq =>= `1`]", "[?pg_seq >= `1`]");
        assertThat(Inventory.parseUnvalidated(good, "ok.yml").validate().errors()).isEmpty();
    }
}
