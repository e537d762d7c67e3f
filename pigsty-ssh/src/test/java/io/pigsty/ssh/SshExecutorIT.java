package io.pigsty.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.AuthenticationFailedException;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.HostKeyRejectedException;
import io.pigsty.api.exec.HostUnreachableException;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.ExecTimeoutException;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.quote.ShellQuote;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SshExecutor against a real OpenSSH server on loopback, faults included. */
class SshExecutorIT {
    static LocalSshd sshd;
    static final Host HOST = Host.of("127.0.0.1");

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        sshd = new LocalSshd(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        sshd.close();
    }

    @Test
    void run_argvShellStdinEnvExitAndUser() {
        try (SshExecutor ssh = sshd.client().build()) {
            List<String> words = List.of("it's", "a;b", "$(id)", "two words", "ünï 🐘", "new\nline", "`x`");
            List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
            argv.addAll(words);
            ExecResult r = ssh.run(HOST, Command.argv(argv).build());
            assertThat(r.exitCode()).isZero();
            assertThat(List.of(r.stdout().split("\0"))).containsExactlyElementsOf(words);
            ExecResult s = ssh.run(HOST, Command.shell("read x; echo \"$x/$V\"; echo oops >&2; exit 4").stdin("in\n")
                    .env("V", "v 1").build());
            assertThat(s.exitCode()).isEqualTo(4);
            assertThat(s.stdout()).isEqualTo("in/v 1\n");
            assertThat(s.stderr()).isEqualTo("oops\n");
            assertThat(ssh.run(HOST, Command.shell("id -un").user("nobody").build()).stdout().strip()).isEqualTo("nobody");
        }
    }

    @Test
    void oneSession_manyChannelsInParallel() throws Exception {
        try (SshExecutor ssh = sshd.client().maxChannelsPerHost(8).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<ExecResult>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                fs.add(pool.submit(() -> ssh.run(HOST, Command.shell("sleep 0.3; echo " + n).build())));
            }
            for (int i = 0; i < 16; i++) {
                assertThat(fs.get(i).get().stdout().strip()).isEqualTo(Integer.toString(i));
            }
            pool.shutdown();
            long sessions = sshd.sessionPids().size();
            assertThat(sessions).as("one ssh session serves every channel").isEqualTo(1);
        }
    }

    @Test
    void putFile_atomicWithModeAndOwner_readFile_stat(@TempDir Path dir) throws Exception {
        try (SshExecutor ssh = sshd.client().build()) {
            String path = dir.resolve("patroni.yml").toString();
            ssh.putFile(HOST, new FileSpec(path, "scope: pg-test\n".getBytes(), "0600", "nobody", "nogroup", true));
            FileFacts f = ssh.stat(HOST, path);
            assertThat(f.exists()).isTrue();
            assertThat(f.mode()).isEqualTo("600");
            assertThat(f.owner()).isEqualTo("nobody");
            assertThat(new String(ssh.readFile(HOST, path).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("scope: pg-test\n");
            ssh.putFile(HOST, FileSpec.text(path, "scope: v2\n", "0644", "root"));
            assertThat(Files.readString(Path.of(path))).isEqualTo("scope: v2\n");
            try (var files = Files.list(dir)) {
                assertThat(files.count()).as("no temp file left").isEqualTo(1);
            }
            assertThat(ssh.readFile(HOST, dir.resolve("nope").toString())).isEmpty();
            assertThat(ssh.stat(HOST, dir.resolve("nope").toString()).exists()).isFalse();
        }
    }

    @Test
    void putFile_binaryContent_isByteExact_andTheHostsSha256sumMatches(@TempDir Path dir) throws Exception {
        // every byte value, then 1 MiB of pseudo-random bytes: much of it is not valid UTF-8
        byte[] content = new byte[256 + (1 << 20)];
        for (int i = 0; i < 256; i++) {
            content[i] = (byte) i;
        }
        byte[] rest = new byte[1 << 20];
        new java.util.Random(42).nextBytes(rest);
        System.arraycopy(rest, 0, content, 256, rest.length);
        try (SshExecutor ssh = sshd.client().build()) {
            String path = dir.resolve("pg-exporter.jar").toString();
            ssh.putFile(HOST, new FileSpec(path, content, "0644", "root", "root", false));
            assertThat(Files.readAllBytes(Path.of(path))).as("uploaded bytes").isEqualTo(content);
            String want = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
            ExecResult sum = ssh.run(HOST, Command.of("sha256sum", "--", path));
            assertThat(sum.stdout()).isEqualTo(want + "  " + path + "\n");
            // readFile is for text (see Executor#readFile): binary does not survive it, hence the digest above
            assertThat(ssh.readFile(HOST, path).orElseThrow()).isNotEqualTo(content);
        }
    }

    @Test
    void rsaKey_andKeyInMemory() throws Exception {
        try (SshExecutor ssh = sshd.client().privateKey(sshd.rsaKey).build()) {
            assertThat(ssh.run(HOST, Command.of("true")).ok()).isTrue();
        }
        try (SshExecutor ssh = sshd.client().privateKey(Files.readAllBytes(sshd.clientKey)).build()) {
            assertThat(ssh.run(HOST, Command.of("true")).ok()).isTrue();
        }
    }

    @Test
    void hostKeys_strictRefusesUnknown_acceptNewRecords_changedAlwaysRefused(@TempDir Path dir) throws Exception {
        Path kh = dir.resolve("known_hosts");
        try (SshExecutor strict = sshd.client().knownHosts(kh).hostKeyPolicy(HostKeyPolicy.STRICT).build()) {
            assertThatThrownBy(() -> strict.run(HOST, Command.of("true"))).isInstanceOf(HostKeyRejectedException.class)
                    .hasMessageContaining("is not in " + kh)
                    .satisfies(e -> assertThat(((HostKeyRejectedException) e).changed()).isFalse())
                    .satisfies(e -> assertThat(((HostKeyRejectedException) e).retryable()).isFalse());
        }
        try (SshExecutor accept = sshd.client().knownHosts(kh).build()) {
            assertThat(accept.run(HOST, Command.of("true")).ok()).isTrue();
        }
        assertThat(Files.readString(kh)).contains("[127.0.0.1]:" + sshd.port).contains("ssh-ed25519");
        try (SshExecutor strict = sshd.client().knownHosts(kh).hostKeyPolicy(HostKeyPolicy.STRICT).build()) {
            assertThat(strict.run(HOST, Command.of("true")).ok()).isTrue();
        }
        Path other = dir.resolve("other");
        LocalSshd.keygen("ed25519", other);
        String[] pub = Files.readString(Path.of(other + ".pub")).split(" ");
        Path changed = dir.resolve("changed_hosts");
        Files.writeString(changed, "[127.0.0.1]:" + sshd.port + " " + pub[0] + " " + pub[1] + "\n");
        for (HostKeyPolicy p : HostKeyPolicy.values()) {
            try (SshExecutor ssh = sshd.client().knownHosts(changed).hostKeyPolicy(p).build()) {
                assertThatThrownBy(() -> ssh.run(HOST, Command.of("true"))).isInstanceOf(HostKeyRejectedException.class)
                        .hasMessageContaining("CHANGED")
                        .satisfies(e -> assertThat(((HostKeyRejectedException) e).changed()).isTrue());
            }
        }
    }

    @Test
    void authentication_withAKeyTheServerDoesNotKnow_isAnAuthenticationFault_notRetried(@TempDir Path dir) throws Exception {
        Path stranger = dir.resolve("stranger");
        LocalSshd.keygen("ed25519", stranger);
        try (SshExecutor ssh = sshd.client().privateKey(stranger).connectRetries(3).build()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> ssh.run(HOST, Command.of("true"))).isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("authentication as").hasMessageContaining("127.0.0.1")
                    .satisfies(e -> assertThat(((AuthenticationFailedException) e).retryable()).isFalse());
            // no retry (with its back-off) for a fault that a retry cannot fix
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void unreachable_refusedAfterRetries_andSilentPeerTimesOut() throws Exception {
        int closed = LocalSshd.freePort();
        try (SshExecutor ssh = sshd.client().port(closed).connectRetries(2).build()) {
            assertThatThrownBy(() -> ssh.run(HOST, Command.of("true"))).isInstanceOf(HostUnreachableException.class)
                    .hasMessageContaining("after 3 attempt(s)").hasMessageContaining(":" + closed)
                    .hasMessageContaining("ConnectException")
                    .satisfies(e -> assertThat(((HostUnreachableException) e).retryable()).isTrue());
        }
        try (ServerSocket silent = new ServerSocket(0);
             SshExecutor ssh = sshd.client().port(silent.getLocalPort()).connectRetries(0)
                     .connectTimeout(Duration.ofSeconds(1)).build()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> ssh.run(HOST, Command.of("true"))).isInstanceOf(HostUnreachableException.class)
                    .hasMessageContaining("cannot connect");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void commandTimeout_killsTheRemoteProcess(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        try (SshExecutor ssh = sshd.client().build()) {
            // 5 s, not 1: on a loaded machine (load 30 on 2 cores seen) the shell may not reach its
            // first line within a second, and then there is no pid to look for
            Command slow = Command.shell("echo $$ > " + ShellQuote.quote(pidFile.toString()) + "; sleep 60")
                    .timeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> ssh.run(HOST, slow)).isInstanceOf(ExecTimeoutException.class);
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            // bounded by time, not a fixed pause: timeout(1) sends TERM, then KILL 2 s later, and a loaded
            // machine may take a while to deliver and reap
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (running(pid) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(running(pid)).as("remote process " + pid + " is gone within 15 s of the timeout").isFalse();
            assertThat(ssh.run(HOST, Command.of("true")).ok()).as("the session survives a timeout").isTrue();
        }
    }

    /** Alive and not a zombie (this machine's PID 1 may not reap orphans quickly). */
    static boolean running(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        char state = s.substring(s.lastIndexOf(')') + 2).charAt(0);
        return state != 'Z' && state != 'X';
    }

    @Test
    void droppedConnection_failsTheCommand_andTheNextCallReconnects() throws Exception {
        try (SshExecutor ssh = sshd.client().build()) {
            assertThat(ssh.run(HOST, Command.of("true")).ok()).isTrue();
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(700);
                    sshd.sessionPids().forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            killer.start();
            assertThatThrownBy(() -> ssh.run(HOST, Command.shell("sleep 20").timeout(Duration.ofSeconds(30)).build()))
                    .isInstanceOf(ExecException.class).isNotInstanceOf(ExecTimeoutException.class);
            killer.join();
            assertThat(ssh.run(HOST, Command.shell("echo back").build()).stdout()).isEqualTo("back\n");
        }
    }

    @Test
    void jumpHost_reachesASecondServerThroughTheFirst(@TempDir Path dir) throws Exception {
        try (LocalSshd inner = new LocalSshd(dir)) {
            Files.writeString(inner.dir.resolve("authorized_keys"), Files.readString(Path.of(sshd.clientKey + ".pub")));
            try (SshExecutor ssh = sshd.client().port(inner.port).jumpHost("127.0.0.1", sshd.port, "root").build()) {
                assertThat(ssh.run(HOST, Command.of("echo", "via jump")).stdout()).isEqualTo("via jump\n");
            }
        }
    }

    @Test
    void closedExecutor_refusesWork_andSecretsAreMasked() {
        SshExecutor ssh = sshd.client().build();
        Command c = Command.shell("echo 'bad password Very.Secret.9' >&2; exit 1").secret("Very.Secret.9").build();
        ExecResult r = ssh.run(HOST, c);
        assertThatThrownBy(() -> r.requireOk(HOST, c)).hasMessageNotContaining("Very.Secret.9").hasMessageContaining("127.0.0.1");
        ssh.close();
        assertThatThrownBy(() -> ssh.run(HOST, Command.of("true"))).isInstanceOf(ExecException.class)
                .hasMessageContaining("closed");
    }
}
