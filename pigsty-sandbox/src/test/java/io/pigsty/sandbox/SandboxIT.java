package io.pigsty.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.sandbox.internal.Sh;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The sandbox itself: isolated systemd nodes on one bridge, and the fault handles. */
@PigstySandbox(nodes = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxIT {

    static String out(Executor ex, SandboxNode n, String script) {
        return ex.run(n.host(), Command.shell(script).timeout(Duration.ofSeconds(30)).build()).stdout().strip();
    }

    @Test
    @Order(1)
    void nodes_areIsolatedSystemdHostsOnOneBridge(Sandbox sandbox, Executor ex) {
        Set<String> hostKeys = new HashSet<>();
        for (SandboxNode n : sandbox.nodes()) {
            assertThat(out(ex, n, "hostname")).isEqualTo(n.name());
            assertThat(out(ex, n, "systemctl is-system-running")).isIn("running", "degraded");
            assertThat(out(ex, n, "ip route get 1.1.1.1 2>&1 || true")).contains("unreachable");
            hostKeys.add(out(ex, n, "cat /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2"));
            assertThat(out(ex, n, "ping -c1 -W2 " + sandbox.node((sandbox.nodes().indexOf(n) + 1) % 3).ip()
                    + " >/dev/null && echo ok")).isEqualTo("ok");
        }
        assertThat(hostKeys).as("every node has its own host key").hasSize(3);
        ex.putFile(sandbox.node(0).host(), FileSpec.text("/etc/only-on-node0", "x\n", "0644", "root"));
        assertThat(out(ex, sandbox.node(1), "test -e /etc/only-on-node0 && echo shared || echo private")).isEqualTo("private");
    }

    @Test
    @Order(2)
    void units_run(Sandbox sandbox, Executor ex) {
        SandboxNode n = sandbox.node(1);
        ex.putFile(n.host(), FileSpec.text("/etc/systemd/system/sbx-hello.service",
                "[Service]\nExecStart=/bin/sleep 600\n", "0644", "root"));
        assertThat(out(ex, n, "systemctl daemon-reload && systemctl start sbx-hello && systemctl is-active sbx-hello"))
                .isEqualTo("active");
        assertThat(n.killProcess("sleep", "KILL")).isTrue();
        assertThat(n.journal("sbx-hello", 20)).contains("sbx-hello.service");
    }

    @Test
    @Order(3)
    void upTwice_isIdempotent(Sandbox sandbox) {
        long pid = sandbox.node(0).pid();
        sandbox.up();
        assertThat(sandbox.node(0).pid()).isEqualTo(pid);
    }

    @Test
    @Order(4)
    void partition_andHeal(Sandbox sandbox, Executor ex) {
        SandboxNode n = sandbox.node(2);
        n.partition();
        assertThat(Sandbox.tcpOpen(n.ip(), 22, 1000)).isFalse();
        n.heal();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Sandbox.tcpOpen(n.ip(), 22, 500) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(out(ex, n, "echo back")).isEqualTo("back");
    }

    @Test
    @Order(5)
    void crash_andStart_keepTheDisk(Sandbox sandbox, Executor ex) {
        SandboxNode n = sandbox.node(2);
        ex.putFile(n.host(), FileSpec.text("/etc/survives-crash", "yes\n", "0644", "root"));
        n.crash();
        assertThat(n.isRunning()).isFalse();
        n.start();
        n.awaitReady(Duration.ofSeconds(60));
        assertThat(out(ex, n, "cat /etc/survives-crash")).isEqualTo("yes");
        n.stop();
        assertThat(n.isRunning()).isFalse();
        n.start();
        n.awaitReady(Duration.ofSeconds(60));
    }

    @Test
    @Order(6)
    void down_leavesNothing_andUpAfterACrashedRunCleansUp(Sandbox sandbox) {
        // simulate a crashed earlier run: the JVM that owned the sandbox is gone, its nodes are not
        Sandbox again = Sandbox.builder().nodes(3).build();
        again.up();
        again.down();
        assertThat(Sh.run("ip netns list | grep -c pgsty || true", Duration.ofSeconds(10)).stdout().strip()).isEqualTo("0");
        assertThat(Sh.run("ip link show pgsty-br0 2>&1 || true", Duration.ofSeconds(10)).stdout()).contains("does not exist");
        assertThat(Sh.run("ls /sys/fs/cgroup/systemd | grep -c pgsty || true", Duration.ofSeconds(10)).stdout().strip())
                .isEqualTo("0");
        assertThat(Sh.run("pgrep -f '[s]ystemd-nspawn.*pgsty' || true", Duration.ofSeconds(10)).stdout().strip()).isEmpty();
        assertThat(Sh.run("grep -c pigsty-sandbox/nodes /proc/mounts || true", Duration.ofSeconds(10)).stdout().strip())
                .isEqualTo("0");
        sandbox.up(); // the extension's sandbox is brought up again for a clean afterAll
    }
}
