package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.model.bench.LargeInventory;
import org.junit.jupiter.api.Test;

class LargeInventoryTest {
    @Test
    void hundredClusters_loadValidateAndRoundTrip() {
        Inventory inv = Inventory.parse(LargeInventory.yaml(100), "large");
        assertThat(inv.clusters()).hasSize(100);
        assertThat(inv.hosts()).hasSize(301);
        assertThat(inv.validate().violations()).isEmpty();
        assertThat(Inventory.parse(inv.toYaml(), "again")).isEqualTo(inv);
    }
}
