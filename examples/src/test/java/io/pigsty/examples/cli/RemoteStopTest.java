package io.pigsty.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Host;
import io.pigsty.model.Inventory;
import io.pigsty.ssh.HostKeyPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C ends the remote commands, not only the local wait: a real sshd on loopback runs a long
 * command through the CLI's routing executor (reached by {@code ansible_port} and
 * {@code ansible_ssh_private_key_file} from an inventory), {@code stopRunning()} ends it on the host.
 */
class RemoteStopTest {
    @TempDir
    Path dir;

    @Test
    void stopRunning_endsTheRemoteProcess() throws Exception {
        Path sshd = Path.of("/usr/sbin/sshd");
        if (!Files.isExecutable(sshd)) {
            throw new AssertionError("openssh-server is missing (.ci/install-host-packages installs it)");
        }
        Files.createDirectories(Path.of("/run/sshd"));
        keygen(dir.resolve("host"));
        keygen(dir.resolve("id"));
        Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("sshd_config"), String.join("\n", "Port " + port, "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host"), "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "StrictModes no", "UsePAM no",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
                "LogLevel ERROR", ""));
        Process server = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        try {
            await(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }, "sshd to listen on " + port);
            Inventory inv = Inventory.parseUnvalidated("""
                    all:
                      children:
                        pg-x:
                          hosts: { 127.0.0.1: { pg_seq: 1, pg_role: primary, ansible_port: %d } }
                          vars: { pg_cluster: pg-x }
                      vars: { ansible_ssh_private_key_file: %s, ansible_user: root }
                    """.formatted(port, dir.resolve("id")), "t");
            PigstyCli flags = new PigstyCli();
            flags.knownHosts = dir.resolve("known_hosts");
            flags.hostKeyPolicy = HostKeyPolicy.ACCEPT_NEW;
            Conn.Routing ex = (Conn.Routing) Conn.ssh(Conn.resolve(inv, flags, false));
            try (ex) {
                String tag = "pigsty-remote-stop-" + port;
                CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> ex.run(Host.of("127.0.0.1"),
                        Command.shell("sleep 300 # " + tag).timeout(Duration.ofSeconds(400)).build()));
                await(() -> pgrep(tag), "the remote sleep to run");
                long t0 = System.nanoTime();
                ex.stopRunning();
                // the whole remote tree ends, the login shell too: a TERM exit status or no status at all
                String outcome;
                try {
                    outcome = "exit " + running.get(20, TimeUnit.SECONDS).exitCode();
                } catch (java.util.concurrent.ExecutionException e) {
                    outcome = e.getCause().getMessage();
                }
                assertThat(outcome).as("ended, not finished").isNotEqualTo("exit 0")
                        .satisfiesAnyOf(o -> assertThat(o).startsWith("exit "),
                                o -> assertThat(o).contains("connection lost before the command finished"));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
                await(() -> !pgrep(tag), "the remote sleep to be gone");
            }
        } finally {
            server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean pgrep(String tag) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(c -> c.contains("sleep 300 # " + tag)
                && !c.contains("pkill")).orElse(false));
    }

    private static void keygen(Path f) throws Exception {
        Process p = new ProcessBuilder(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f.toString()))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private static void await(java.util.function.BooleanSupplier ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30 s for " + what);
            }
            Thread.sleep(50);
        }
    }
}
