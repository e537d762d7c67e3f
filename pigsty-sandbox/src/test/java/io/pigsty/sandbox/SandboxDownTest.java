package io.pigsty.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code down()} finds the nodes a larger earlier run left, not only its own count. */
class SandboxDownTest {
    @Test
    void downRemovesTheNodesOfALargerEarlierRun(@TempDir Path work) throws Exception {
        for (String n : new String[] {"node0", "node4", "node5", "node-x", "notes"}) {
            Files.createDirectories(work.resolve("nodes").resolve(n));
        }
        Sandbox four = Sandbox.builder().workDir(work).nodes(4).build();
        assertThat(Sandbox.leftoverIndices(work.resolve("nodes"), "node")).containsExactly(0, 4, 5);
        // the cgroups of a test's own: the machine's hold those of a sandbox that may be running right now
        Path cgroups = Files.createDirectories(work.resolve("cgroup").resolve("pgsty-node7"));
        assertThat(four.indicesToRemove(java.util.List.of(cgroups.getParent()))).containsExactly(0, 1, 2, 3, 4, 5, 7);
        assertThat(Sandbox.leftoverIndices(work.resolve("absent"), "node")).isEmpty();
    }
}
