package io.pigsty.api.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.node.internal.NodeScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** NODE scripts run by the real /bin/sh (read-only ones only: the test host is not modified). */
class NodeScriptsTest {

    private static int sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void packagesFollowRoles() {
        assertThat(NodeScripts.packages(true, false, false, List.of()))
                .containsExactly("postgresql-15", "postgresql-client-15", "patroni", "pgbouncer", "haproxy", "python3-psycopg2", "python3-etcd");
        // pg_version decides the server packages; the catalog's extension packages come with them
        assertThat(NodeScripts.packages(17, true, false, false, List.of("postgresql-17-pgvector"), List.of()))
                .startsWith("postgresql-17", "postgresql-client-17").contains("postgresql-17-pgvector")
                .noneMatch(x -> x.contains("15"));
        assertThat(NodeScripts.packages(false, false, true, List.of("openssh-server")))
                .containsExactly("etcd-server", "etcd-client", "openssh-server");
        assertThat(NodeScripts.packages(true, true, false, List.of())).contains("keepalived");
        assertThat(NodeScripts.packages(false, false, false, List.of())).isEmpty();
        assertThatThrownBy(() -> NodeScripts.packages(false, false, false, List.of("x; rm -rf /")))
                .hasMessageContaining("node_packages");
    }

    @Test
    void sysctlCheckComparesLiveValuesReadOnly() throws Exception {
        String current;
        try (var in = Files.newInputStream(Path.of("/proc/sys/fs/nr_open"))) { // procfs reports size 0
            current = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        }
        var same = NodeScripts.sysctlRows(Map.of("fs.nr_open", current));
        assertThat(sh(NodeScripts.sysctlCheck(same))).isZero();
        var other = NodeScripts.sysctlRows(Map.of("fs.nr_open", Long.parseLong(current) + 1));
        assertThat(sh(NodeScripts.sysctlCheck(other))).isEqualTo(Files.isWritable(Path.of("/proc/sys/fs/nr_open")) ? 1 : 0);
        assertThat(sh(NodeScripts.sysctlApply(NodeScripts.sysctlRows(Map.of("fs.no_such_key_pigsty", 1))))).isEqualTo(1);
        assertThatThrownBy(() -> NodeScripts.sysctlRows(Map.of("fs.nr_open", "1\nkernel.panic = 1")))
                .hasMessageContaining("node_sysctl_params.fs.nr_open");
    }

    @Test
    void pgLinkRefusesARealDirectoryAndDefaultsRunOnce() {
        assertThat(NodeScripts.pgLinkApply("/data/postgres/pg-test-15")).contains("refusing").contains("ln -sfn /data/postgres/pg-test-15 /pg");
        assertThat(NodeScripts.defaultsApply()).contains("systemctl disable --now")
                .contains("pg_dropcluster --stop 15 main").endsWith("touch " + NodeScripts.DEFAULTS_MARKER + "\n");
    }
}
