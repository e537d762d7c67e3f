package io.pigsty.examples.bench;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgDatabase;
import io.pigsty.model.PgUser;
import io.pigsty.model.Role;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Offline plan + render of the {@code pgsql} playbook for every cluster of an inventory of N
 * clusters x 3 instances, with every module on the classpath: one line per size (100, 1,000 and
 * 3,000 clusters by default, or the sizes given), the median of five runs after a warm-up of at
 * least three runs and five seconds on the same inventory (wall time, and the CPU time of the
 * planning thread, which holds on a loaded machine), and the heap in use after a full GC with the
 * inventory still referenced. The first run of each inventory, cold for what is derived once per
 * inventory (SCRAM verifiers), is printed apart.
 * Run from the repository root: {@code mvn -q install -DskipTests}, then
 * {@code java -cp examples/target/pigsty-cli.jar:examples/target/test-classes io.pigsty.examples.bench.PlanBenchmark [clusters...]}.
 */
public final class PlanBenchmark {
    private static final long WARM_UP_NANOS = 5_000_000_000L;

    private PlanBenchmark() {
    }

    /** @param args cluster counts; default 100 1000 3000 */
    public static void main(String[] args) {
        int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {100, 1000, 3000};
        // the figures depend on it: with the jar every member gets the exporter's upload step (run from the
        // repository root, as ./pigsty does, it is found in pigsty-monitor/target)
        System.out.println("exporter: " + io.pigsty.monitor.prometheus.ExporterJar.locate());
        for (int n : sizes) {
            Inventory inv = inventory(n);
            Pigsty pigsty = Pigsty.builder().inventory(inv).build();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            // warm-up: JIT, templates, validation, and what is derived once per inventory (SCRAM verifiers). One run
            // was not enough: on two cores the C2 compiler was still at work on the measured runs, and the first size
            // measured 40-60% slower than the same size measured again in the same JVM
            long firstCpu = threads.getCurrentThreadCpuTime();
            once(pigsty, inv);
            firstCpu = threads.getCurrentThreadCpuTime() - firstCpu;
            long warmStart = System.nanoTime();
            for (int w = 1; w < 20 && (w < 3 || System.nanoTime() - warmStart < WARM_UP_NANOS); w++) {
                once(Pigsty.builder().inventory(inv).build(), inv);
            }
            long[] t = new long[5];
            long[] cpu = new long[5];
            long chars = 0;
            for (int i = 0; i < t.length; i++) {
                // a fresh facade per run: validation and the offline facts are part of planning
                Pigsty fresh = Pigsty.builder().inventory(inv).build();
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                chars = once(fresh, inv);
                t[i] = System.nanoTime() - t0;
                cpu[i] = threads.getCurrentThreadCpuTime() - c0;
            }
            Arrays.sort(t);
            Arrays.sort(cpu);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            // planning runs on this one thread: its CPU time is the figure that holds on a shared machine
            System.out.printf("plan+render pgsql: %d clusters x 3 instances in %d ms, heap after GC %d MiB"
                            + " (CPU %d ms, %.2f ms a cluster; %,d characters rendered; first run of this inventory: CPU %d ms)%n",
                    n, t[2] / 1_000_000, heap >> 20, cpu[2] / 1_000_000, cpu[2] / 1e6 / n, chars, firstCpu / 1_000_000);
        }
    }

    static Inventory inventory(int n) {
        Inventory.Builder b = Inventory.builder().etcd(NodeGroup.builder("etcd")
                .node("10.0.0.1", v -> v.set(Params.ETCD_SEQ, 1)).build());
        for (int c = 0; c < n; c++) {
            String net = "10." + (1 + c / 250) + "." + (c % 250) + ".";
            b.cluster(PgCluster.named("pg-c" + c).instance(1, net + 1, Role.PRIMARY)
                    .instance(2, net + 2, Role.REPLICA)
                    .instance(3, net + 3, Role.REPLICA, i -> i.offlineQuery(true))
                    .user(PgUser.named("app" + c).password("Bench.Pass." + c).roles("dbrole_readwrite").pgbouncer(true))
                    .database(PgDatabase.named("db" + c).owner("app" + c)));
        }
        return b.build();
    }

    private static long once(Pigsty pigsty, Inventory inv) {
        long chars = 0;
        for (PgCluster c : inv.clusters()) {
            Plan plan = pigsty.plan(Playbook.pgsqlCreate(c.name()));
            chars += plan.render().toText().length();
        }
        return chars;
    }
}
