package io.pigsty.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server for tests: /usr/sbin/sshd on 127.0.0.1 and a free port, with its own host
 * key, a fresh client key in authorized_keys, root login by key only, internal-sftp.
 */
final class LocalSshd implements AutoCloseable {
    final Path dir;
    final int port;
    final Path clientKey;
    final Path rsaKey;
    final Process process;

    LocalSshd(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(Path.of("/run/sshd"));
        keygen("ed25519", dir.resolve("host_ed25519"));
        clientKey = dir.resolve("id_ed25519");
        keygen("ed25519", clientKey);
        rsaKey = dir.resolve("id_rsa");
        keygen("rsa", rsaKey);
        Files.writeString(dir.resolve("authorized_keys"), Files.readString(Path.of(clientKey + ".pub"))
                + Files.readString(Path.of(rsaKey + ".pub")));
        port = freePort();
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_ed25519"),
                "PidFile " + dir.resolve("sshd.pid"), "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password", "Subsystem sftp internal-sftp", "LogLevel ERROR",
                "MaxSessions 20", "AllowTcpForwarding yes", "") );
        process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    static void keygen(String type, Path file) throws Exception {
        Process p = new ProcessBuilder(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-f", file.toString()))
                .redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    SshExecutor.Builder client() {
        return SshExecutor.builder().port(port).privateKey(clientKey).knownHosts(dir.resolve("known_hosts"))
                .hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).connectTimeout(Duration.ofSeconds(5));
    }

    /** @return pids of sshd processes serving sessions (children of the listener) */
    List<Long> sessionPids() {
        return process.toHandle().children().map(ProcessHandle::pid).toList();
    }

    @Override
    public void close() throws Exception {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
