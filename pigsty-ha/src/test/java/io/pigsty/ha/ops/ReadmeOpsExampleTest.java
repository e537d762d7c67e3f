package io.pigsty.ha.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgTuning;
import io.pigsty.model.RtoMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's day-2 snippet compiles here (it runs against the sandbox in FaultToleranceIT). */
class ReadmeOpsExampleTest {
    @SuppressWarnings("unused")
    static List<Plan> example(Inventory inventory, Pigsty pigsty) {
        // README-BEGIN
        ClusterOperations ops = ClusterOperations.builder(inventory, "pg-test").build();
        OperationResult r = ops.switchover(Optional.of("pg-test-2"));   // also failover, restart(Cluster), reload,
        System.out.println(r.summary());                                  // pause/resume, reinit, patchConfig
        ops.patchConfig(DcsChange.rto(RtoMode.NORM).and(DcsChange.rpo(0, PgTuning.OLTP)));  // live pg_rto / pg_rpo
        List<Plan> in = ScalePlans.scaleIn(pigsty, "pg-test", "pg-test-3");   // remove a replica, re-render services
        // README-END
        return in;
    }

    @Test
    void readme_showsTheSameSnippet() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/io/pigsty/ha/ops/ReadmeOpsExampleTest.java"),
                StandardCharsets.UTF_8);
        int from = lines.indexOf("        // README-BEGIN") + 1;
        int to = lines.indexOf("        // README-END");
        List<String> snippet = lines.subList(from, to).stream().map(l -> l.substring(8)).collect(Collectors.toList());
        assertThat(snippet).hasSize(5);
        assertThat(Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8)).contains(String.join("\n", snippet));
    }
}
