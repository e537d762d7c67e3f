package io.pigsty.model.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.model.Inventory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DerivedTest {
    private static final Derived.Key<String> NAME = Derived.Key.named("test name");

    private static Inventory inventory() {
        return Inventory.parseUnvalidated("all:\n  children: {}\n", "derived-test.yml");
    }

    @Test
    void eachInventoryDerivesOnce_evenWhenTwoArePlannedAlternately() {
        Inventory a = inventory();
        Inventory b = inventory();
        assertThat(a).isEqualTo(b).isNotSameAs(b); // equal values, two identities: two entries
        AtomicInteger made = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(Derived.get(a, NAME, inv -> "a" + made.incrementAndGet())).isEqualTo("a1");
            assertThat(Derived.get(b, NAME, inv -> "b" + made.incrementAndGet())).isEqualTo("b2");
        }
        assertThat(made).hasValue(2);
    }

    @Test
    void aValueMayDeriveAnotherOfTheSameInventory() {
        Derived.Key<String> outer = Derived.Key.named("outer");
        Inventory a = inventory();
        assertThat(Derived.get(a, outer, inv -> Derived.get(inv, NAME, i -> "inner") + "+outer")).isEqualTo("inner+outer");
        assertThat(Derived.get(a, NAME, i -> "again")).isEqualTo("inner");
    }

    @Test
    void theValuesOfAnUnreachableInventoryGo() throws InterruptedException {
        Derived.Key<Object> key = Derived.Key.named("a value to watch");
        Inventory kept = inventory();
        Object keptValue = Derived.get(kept, key, inv -> new Object());
        // the only strong path to this value is Derived's entry of an inventory nothing else holds
        WeakReference<Object> dropped = new WeakReference<>(Derived.get(inventory(), key, inv -> new Object()));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (dropped.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Derived.size(); // purges the entries of collected inventories
            Thread.sleep(20);
        }
        assertThat(dropped.get()).as("the value of an unreachable inventory, after waiting up to 20 s for GC").isNull();
        assertThat(Derived.get(kept, key, inv -> new Object())).isSameAs(keptValue);
    }
}
