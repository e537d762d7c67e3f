package io.pigsty.model.bench;

import io.pigsty.model.Inventory;
import io.pigsty.model.ValidationResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;

/**
 * Load + validate an inventory of N clusters x 3 instances (default 1,000), generated in memory.
 * Prints median time of several runs after warm-up and the heap the loaded inventory holds.
 * Run: {@code mvn -q -pl pigsty-model exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.pigsty.model.bench.InventoryBenchmark [-Dexec.args=1000]}.
 */
public final class InventoryBenchmark {
    private InventoryBenchmark() {
    }

    /** @param args optional cluster count */
    public static void main(String[] args) {
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String yaml = LargeInventory.yaml(clusters);
        System.out.printf("inventory: %d clusters x 3 instances, %,d bytes of YAML%n", clusters, yaml.length());
        for (int i = 0; i < 5; i++) {
            Inventory.parse(yaml, "warmup").validate();
        }
        int runs = 9;
        long[] load = new long[runs];
        long[] validate = new long[runs];
        Inventory inv = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            inv = Inventory.parseUnvalidated(yaml, "bench");
            long t1 = System.nanoTime();
            ValidationResult r = inv.validate();
            long t2 = System.nanoTime();
            if (!r.isValid()) {
                throw new IllegalStateException(r.errors().toString());
            }
            load[i] = t1 - t0;
            validate[i] = t2 - t1;
        }
        Arrays.sort(load);
        Arrays.sort(validate);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        long withInv = mem.getHeapMemoryUsage().getUsed();
        int held = inv.clusters().size();
        inv = null;
        System.gc();
        long without = mem.getHeapMemoryUsage().getUsed();
        System.out.printf("parse median %.1f ms, validate median %.1f ms, total %.1f ms (%d runs)%n",
                load[runs / 2] / 1e6, validate[runs / 2] / 1e6, (load[runs / 2] + validate[runs / 2]) / 1e6, runs);
        System.out.printf("heap held by the loaded inventory (%d clusters): %.1f MB%n", held,
                (withInv - without) / 1048576.0);
    }
}
