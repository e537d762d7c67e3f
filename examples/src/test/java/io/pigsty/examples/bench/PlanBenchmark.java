package io.pigsty.examples.bench;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Offline plan + render of the {@code pgsql} playbook for every cluster of an inventory of N
 * clusters x 3 instances (default 1,000), with every module on the classpath. Prints the median
 * of several runs after warm-up and the heap in use after a run.
 * Run: {@code mvn -q -pl examples -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.pigsty.examples.bench.PlanBenchmark}, or see README.
 */
public final class PlanBenchmark {
    private PlanBenchmark() {
    }

    /** @param args optional cluster count */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Inventory.Builder b = Inventory.builder().etcd(io.pigsty.model.NodeGroup.builder("etcd")
                .node("10.0.0.1", v -> v.set(io.pigsty.model.Params.ETCD_SEQ, 1)).build());
        for (int c = 0; c < n; c++) {
            String net = "10." + (1 + c / 250) + "." + (c % 250) + ".";
            b.cluster(PgCluster.named("pg-c" + c).instance(1, net + 1, io.pigsty.model.Role.PRIMARY)
                    .instance(2, net + 2, io.pigsty.model.Role.REPLICA)
                    .instance(3, net + 3, io.pigsty.model.Role.REPLICA, i -> i.offlineQuery(true))
                    .user(io.pigsty.model.PgUser.named("app" + c).password("Bench.Pass." + c).roles("dbrole_readwrite")
                            .pgbouncer(true))
                    .database(io.pigsty.model.PgDatabase.named("db" + c).owner("app" + c)));
        }
        Inventory inv = b.build();
        Pigsty pigsty = Pigsty.builder().inventory(inv).build();
        System.out.println("modules: " + pigsty.modules().stream().map(m -> m.name()).toList());
        long bytes = 0;
        for (int w = 0; w < 2; w++) {
            bytes = once(pigsty, inv);
        }
        int runs = 5;
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            bytes = once(pigsty, inv);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        var mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.out.printf("%d clusters x 3 instances: plan + render of pgsql for every cluster: median %.0f ms "
                        + "(%.2f ms per cluster), %,d bytes of rendered text, heap in use after GC %.1f MB%n", n,
                t[runs / 2] / 1e6, t[runs / 2] / 1e6 / n, bytes, mem.getHeapMemoryUsage().getUsed() / 1048576.0);
    }

    private static long once(Pigsty pigsty, Inventory inv) {
        long bytes = 0;
        for (PgCluster c : inv.clusters()) {
            Plan plan = pigsty.plan(Playbook.pgsqlCreate(c.name()));
            bytes += plan.render().toText().length();
        }
        return bytes;
    }
}
