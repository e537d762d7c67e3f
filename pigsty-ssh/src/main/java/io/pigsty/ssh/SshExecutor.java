package io.pigsty.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.ExecTimeoutException;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.ssh.internal.PolicyHostKeyRepository;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Executor} over SSH with JSch ({@code com.github.mwiede:jsch}): key authentication
 * (ed25519 or RSA, from a file or memory), host keys verified against a known_hosts file (a
 * changed key is always refused), one session per host reused by every call and thread with
 * channels in parallel, {@code sudo -n} for a non-root user, atomic file upload, a timeout on
 * every command that kills the remote process group, connect retry with backoff, an optional
 * jump host. Thread-safe; {@link #close()} disconnects everything.
 */
public final class SshExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SshExecutor.class);
    /** Exit statuses of GNU timeout when it stopped the command (TERM, then KILL after a grace period). */
    private static final java.util.Set<Integer> TIMED_OUT = java.util.Set.of(124, 137);

    private final JSch jsch;
    private final String user;
    private final int port;
    private final PolicyHostKeyRepository hostKeys;
    private final Duration connectTimeout;
    private final int connectRetries;
    private final boolean sudo;
    private final String jumpHost;
    private final int jumpPort;
    private final String jumpUser;
    private final int maxChannels;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> channels = new ConcurrentHashMap<>();
    private Session jumpSession;
    private volatile boolean closed;

    private SshExecutor(Builder b) {
        this.user = b.user;
        this.port = b.port;
        this.connectTimeout = b.connectTimeout;
        this.connectRetries = b.connectRetries;
        this.sudo = b.sudo && !b.user.equals("root");
        this.jumpHost = b.jumpHost;
        this.jumpPort = b.jumpPort;
        this.jumpUser = b.jumpUser;
        this.maxChannels = b.maxChannels;
        this.jsch = new JSch();
        jsch.setInstanceLogger(new Slf4jJschLogger());
        try {
            byte[] key = b.keyBytes != null ? b.keyBytes : Files.readAllBytes(Objects.requireNonNull(b.keyFile,
                    "a private key (file or bytes) is required"));
            jsch.addIdentity("pigsty", key, null, b.passphrase == null ? null
                    : new String(b.passphrase).getBytes(StandardCharsets.UTF_8));
            this.hostKeys = new PolicyHostKeyRepository(b.knownHosts, b.policy);
        } catch (IOException e) {
            throw new ExecException(Host.of("localhost"), "load key", null, "", "cannot read private key "
                    + b.keyFile + ": " + e.getMessage(), e);
        } catch (JSchException e) {
            throw new ExecException(Host.of("localhost"), "load key", null, "", "unusable private key or known_hosts: "
                    + e.getMessage(), e);
        }
        jsch.setHostKeyRepository(hostKeys);
    }

    /** @return a builder with defaults: user root, port 22, ~/.ssh/known_hosts, strict host keys */
    public static Builder builder() {
        return new Builder();
    }

    private Session session(Host host) {
        if (closed) {
            throw new ExecException(host, "connect", null, "", "executor is closed", null);
        }
        Session s = sessions.get(host.address());
        if (s != null && s.isConnected()) {
            return s;
        }
        synchronized (this) {
            s = sessions.get(host.address());
            if (s != null && s.isConnected()) {
                return s;
            }
            s = connect(host);
            sessions.put(host.address(), s);
            return s;
        }
    }

    private Session connect(Host host) {
        ExecException last = null;
        for (int attempt = 0; attempt <= connectRetries; attempt++) {
            if (attempt > 0) {
                sleep(Duration.ofMillis(200L << Math.min(attempt - 1, 5)));
            }
            try {
                Session s;
                if (jumpHost != null) {
                    Session jump = jump();
                    int local = jump.setPortForwardingL("127.0.0.1", 0, host.address(), port);
                    s = jsch.getSession(user, "127.0.0.1", local);
                    s.setHostKeyAlias(port == 22 ? host.address() : "[" + host.address() + "]:" + port);
                } else {
                    s = jsch.getSession(user, host.address(), port);
                }
                s.setConfig("StrictHostKeyChecking", "yes");
                s.setConfig("PreferredAuthentications", "publickey");
                s.setServerAliveInterval(10_000);
                s.setServerAliveCountMax(3);
                s.connect((int) connectTimeout.toMillis());
                LOG.debug("ssh connected to {}@{}", user, host);
                return s;
            } catch (JSchException e) {
                String m = String.valueOf(e.getMessage());
                if (m.contains("HostKey has been changed") || m.contains("UnknownHostKey") || m.contains("reject HostKey")) {
                    throw new ExecException(host, "connect", null, "", hostKeyMessage(host, m), e);
                }
                if (m.contains("Auth fail") || m.contains("USERAUTH fail")) {
                    throw new ExecException(host, "connect", null, "", "authentication as " + user + " failed: the key "
                            + "was not accepted", e);
                }
                last = new ExecException(host, "connect", null, "", "cannot connect to " + host.address() + ":" + port
                        + " after " + (attempt + 1) + " attempt(s): " + m, e);
            }
        }
        throw last;
    }

    private String hostKeyMessage(Host host, String m) {
        if (m.contains("changed")) {
            return "host key of " + host.address() + " CHANGED compared with " + hostKeys.getKnownHostsRepositoryID()
                    + ": refused (possible man-in-the-middle; remove the old entry if the host was rebuilt)";
        }
        return "host key of " + host.address() + " is not in " + hostKeys.getKnownHostsRepositoryID()
                + " (policy STRICT: add it, or use HostKeyPolicy.ACCEPT_NEW for first contact)";
    }

    private synchronized Session jump() throws JSchException {
        if (jumpSession == null || !jumpSession.isConnected()) {
            Session j = jsch.getSession(jumpUser, jumpHost, jumpPort);
            j.setConfig("StrictHostKeyChecking", "yes");
            j.setConfig("PreferredAuthentications", "publickey");
            j.connect((int) connectTimeout.toMillis());
            jumpSession = j;
        }
        return jumpSession;
    }

    /**
     * The line sent to the remote shell: user switch, then GNU timeout, which signals the whole
     * process group (TERM, and KILL two seconds later), so nothing the command started outlives it.
     * It starts in {@code /}, readable by any user the command switches to.
     */
    String remoteLine(Command command) {
        long secs = Math.max(1, (command.timeout().toMillis() + 999) / 1000);
        String inner = "timeout -k 2 " + secs + " sh -c " + ShellQuote.quote(command.commandLine());
        if (command.user().isPresent() && !command.user().get().equals(user)) {
            String u = ShellQuote.quote(command.user().get());
            inner = (user.equals("root") ? "runuser -u " + u + " -- " : "sudo -n -u " + u + " -- ") + inner;
        } else if (sudo) {
            inner = "sudo -n " + inner;
        }
        // from a directory every user can read: psql run as the dbsu warns about root's home otherwise
        return "cd / && " + inner;
    }

    @Override
    public ExecResult run(Host host, Command command) {
        Semaphore sem = channels.computeIfAbsent(host.address(), k -> new Semaphore(maxChannels));
        try {
            if (!sem.tryAcquire(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ExecTimeoutException(host, command.display(), command.timeout(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecException(host, command.display(), null, "", "interrupted", e);
        }
        try {
            return exec(host, command, session(host));
        } finally {
            sem.release();
        }
    }

    private ExecResult exec(Host host, Command command, Session session) {
        long t0 = System.nanoTime();
        LOG.debug("ssh {}: {}", host, command.display());
        ChannelExec ch = null;
        try {
            ch = (ChannelExec) session.openChannel("exec");
            ch.setCommand(remoteLine(command));
            InputStream out = ch.getInputStream();
            InputStream err = ch.getErrStream();
            OutputStream in = ch.getOutputStream();
            ch.connect((int) connectTimeout.toMillis());
            CompletableFuture<byte[]> o = drain(out);
            CompletableFuture<byte[]> e = drain(err);
            try (in) {
                if (command.stdin().isPresent()) {
                    in.write(command.stdin().get());
                }
            } catch (IOException ignored) {
                // the command may exit without reading its input; its exit status tells
            }
            long deadline = t0 + command.timeout().plusSeconds(5).toNanos();
            while (!ch.isClosed()) {
                if (System.nanoTime() > deadline) {
                    ch.disconnect();
                    throw new ExecTimeoutException(host, command.display(), command.timeout(), null);
                }
                Thread.sleep(5);
            }
            byte[] ob = o.get(5, TimeUnit.SECONDS);
            byte[] eb = e.get(5, TimeUnit.SECONDS);
            int status = ch.getExitStatus();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            boolean late = took.compareTo(command.timeout()) >= 0;
            if ((status < 0 || TIMED_OUT.contains(status)) && late) {
                throw new ExecTimeoutException(host, command.display(), command.timeout(), null);
            }
            if (status < 0) {
                throw new ExecException(host, command.display(), null, command.mask(new String(eb, StandardCharsets.UTF_8)),
                        "connection lost before the command finished (no exit status)", null);
            }
            return new ExecResult(status, new String(ob, StandardCharsets.UTF_8), new String(eb, StandardCharsets.UTF_8), took);
        } catch (JSchException ex) {
            sessions.remove(host.address(), session);
            throw new ExecException(host, command.display(), null, "", "ssh channel failed: " + ex.getMessage(), ex);
        } catch (IOException ex) {
            throw new ExecException(host, command.display(), null, "", "ssh i/o failed: " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ExecException(host, command.display(), null, "", "interrupted", ex);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
            throw new ExecException(host, command.display(), null, "", "output not fully read: " + ex, ex);
        } finally {
            if (ch != null) {
                ch.disconnect();
            }
            if (!session.isConnected()) {
                sessions.remove(host.address(), session);
            }
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                in.transferTo(b);
            } catch (IOException e) {
                // a dropped channel ends the stream; what was read is kept
            }
            return b.toByteArray();
        });
    }

    @Override
    public void putFile(Host host, FileSpec file) {
        String dir = file.path().substring(0, Math.max(1, file.path().lastIndexOf('/')));
        String name = file.path().substring(file.path().lastIndexOf('/') + 1);
        String tmp = (user.equals("root") ? dir : "/tmp") + "/." + name + ".pigsty-" + UUID.randomUUID();
        Session s = session(host);
        ChannelSftp sftp = null;
        try {
            sftp = (ChannelSftp) s.openChannel("sftp");
            sftp.connect((int) connectTimeout.toMillis());
            sftp.put(new ByteArrayInputStream(file.content()), tmp, ChannelSftp.OVERWRITE);
        } catch (JSchException | SftpException e) {
            throw new ExecException(host, "put " + file.path(), null, "", "upload failed: " + e.getMessage(), e);
        } finally {
            if (sftp != null) {
                sftp.disconnect();
            }
        }
        String q = ShellQuote.quote(file.path());
        String t = ShellQuote.quote(tmp);
        String staged = user.equals("root") ? t : ShellQuote.quote(file.path() + ".pigsty-" + UUID.randomUUID());
        String script = (user.equals("root") ? "" : "cp " + t + " " + staged + " && rm -f " + t + " && ")
                + "chown " + ShellQuote.quote(file.owner() + ":" + file.group()) + " " + staged
                + " && chmod " + file.mode() + " " + staged + " && mv -f " + staged + " " + q
                + " || { rc=$?; rm -f " + staged + " " + t + "; exit $rc; }";
        Command c = Command.shell(script).timeout(Duration.ofSeconds(60)).build();
        ExecResult r = run(host, c);
        if (!r.ok()) {
            throw new ExecException(host, "put " + file.path(), r.exitCode(), ExecException.excerpt(r.stderr()),
                    "could not install the uploaded file", null);
        }
    }

    @Override
    public Optional<byte[]> readFile(Host host, String path) {
        String q = ShellQuote.quote(path);
        ExecResult r = run(host, Command.shell("if [ -f " + q + " ]; then cat -- " + q + "; else exit 3; fi").build());
        if (r.exitCode() == 3) {
            return Optional.empty();
        }
        if (!r.ok()) {
            throw new ExecException(host, "read " + path, r.exitCode(), ExecException.excerpt(r.stderr()), "cannot read", null);
        }
        // text round-trips through UTF-8 here; configuration files are text
        return Optional.of(r.stdout().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public FileFacts stat(Host host, String path) {
        ExecResult r = run(host, Command.of("stat", "-c", "%F|%a|%U|%G|%s", path));
        if (!r.ok()) {
            return FileFacts.absent(path);
        }
        String[] f = r.stdout().strip().split("\\|");
        return new FileFacts(path, true, f[0].equals("directory"), f[1], f[2], f[3], Long.parseLong(f[4]));
    }

    @Override
    public void close() {
        closed = true;
        sessions.values().forEach(Session::disconnect);
        sessions.clear();
        synchronized (this) {
            if (jumpSession != null) {
                jumpSession.disconnect();
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** JSch's log lines go to SLF4J. */
    private static final class Slf4jJschLogger implements com.jcraft.jsch.Logger {
        private static final Logger L = LoggerFactory.getLogger("io.pigsty.ssh.jsch");

        @Override
        public boolean isEnabled(int level) {
            return level >= WARN ? L.isWarnEnabled() : L.isDebugEnabled();
        }

        @Override
        public void log(int level, String message) {
            if (level >= WARN) {
                L.warn(message);
            } else {
                L.debug(message);
            }
        }
    }

    /** Builder of {@link SshExecutor}. */
    public static final class Builder {
        private String user = "root";
        private int port = 22;
        private Path keyFile;
        private byte[] keyBytes;
        private char[] passphrase;
        private Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        private HostKeyPolicy policy = HostKeyPolicy.STRICT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int connectRetries = 2;
        private boolean sudo = true;
        private String jumpHost;
        private int jumpPort = 22;
        private String jumpUser = "root";
        private int maxChannels = 8;

        private Builder() {
        }

        /** @param v login user @return this */
        public Builder user(String v) {
            user = Objects.requireNonNull(v);
            return this;
        }

        /** @param v sshd port @return this */
        public Builder port(int v) {
            port = v;
            return this;
        }

        /** @param v private key file (OpenSSH or PEM; ed25519 or RSA) @return this */
        public Builder privateKey(Path v) {
            keyFile = Objects.requireNonNull(v);
            return this;
        }

        /** @param v private key content @return this */
        public Builder privateKey(byte[] v) {
            keyBytes = Objects.requireNonNull(v).clone();
            return this;
        }

        /** @param v key passphrase @return this */
        public Builder passphrase(char[] v) {
            passphrase = Objects.requireNonNull(v).clone();
            return this;
        }

        /** @param v known_hosts file @return this */
        public Builder knownHosts(Path v) {
            knownHosts = Objects.requireNonNull(v);
            return this;
        }

        /** @param v unknown-key policy @return this */
        public Builder hostKeyPolicy(HostKeyPolicy v) {
            policy = Objects.requireNonNull(v);
            return this;
        }

        /** @param v TCP connect + handshake limit @return this */
        public Builder connectTimeout(Duration v) {
            connectTimeout = Objects.requireNonNull(v);
            return this;
        }

        /** @param v extra connect attempts, with backoff @return this */
        public Builder connectRetries(int v) {
            connectRetries = Math.max(0, v);
            return this;
        }

        /** @param v use {@code sudo -n} when the user is not root @return this */
        public Builder sudo(boolean v) {
            sudo = v;
            return this;
        }

        /** @param host bastion address @param port its port @param user its user @return this */
        public Builder jumpHost(String host, int port, String user) {
            jumpHost = Objects.requireNonNull(host);
            jumpPort = port;
            jumpUser = Objects.requireNonNull(user);
            return this;
        }

        /** @param v parallel channels per host (sshd's MaxSessions is 10) @return this */
        public Builder maxChannelsPerHost(int v) {
            maxChannels = Math.max(1, v);
            return this;
        }

        /** @return the executor */
        public SshExecutor build() {
            return new SshExecutor(this);
        }
    }
}
