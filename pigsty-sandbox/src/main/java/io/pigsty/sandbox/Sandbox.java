package io.pigsty.sandbox;

import io.pigsty.model.PigstyException;
import io.pigsty.sandbox.internal.Sh;
import io.pigsty.ssh.HostKeyPolicy;
import io.pigsty.ssh.SshExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local multi-node sandbox on one Linux machine (root required): a bridge {@code 10.213.0.1/24},
 * one network namespace per node ({@code 10.213.0.10}, {@code .11}, ...; no default route), and
 * in each a systemd-nspawn container booted from a cached Debian 12 template through its own
 * overlay, with its own hostname, host keys and sshd. {@link #up()} is idempotent and cleans up
 * what a crashed earlier run left; {@link #down()} removes everything it started.
 */
public final class Sandbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /** Bridge address of the sandbox subnet. */
    public static final String BRIDGE_IP = "10.213.0.1";
    static final String BRIDGE = "pgsty-br0";
    static final String PACKAGES = "postgresql-15 postgresql-contrib haproxy pgbouncer keepalived python3-psycopg2 python3-etcd sudo "
            + "curl procps less ca-certificates iputils-ping pgbackrest cron openssl postgresql-15-postgis-3 postgresql-15-cron "
            // monitoring: the exporter's JRE and node_exporter on every node, the TSDB stack for the infra node
            + "default-jre-headless prometheus-node-exporter prometheus prometheus-alertmanager prometheus-blackbox-exporter";
    static final String TRIXIE = "patroni/trixie python3-ydiff/trixie etcd-server/trixie etcd-client/trixie";

    private final int nodes;
    private final Path workDir;
    private final Consumer<String> progress;

    private Sandbox(Builder b) {
        this.nodes = b.nodes;
        this.workDir = b.workDir;
        this.progress = b.progress;
    }

    /** @return a builder: 4 nodes (10.213.0.10-13) in /var/lib/pigsty-sandbox */
    public static Builder builder() {
        return new Builder();
    }

    /** @return node count */
    public int size() {
        return nodes;
    }

    /**
     * @param index 0-based node index
     * @return the node
     */
    public SandboxNode node(int index) {
        if (index < 0 || index >= nodes) {
            throw new IllegalArgumentException("no node " + index + " (sandbox has " + nodes + ")");
        }
        return new SandboxNode(this, index);
    }

    /** @return every node */
    public List<SandboxNode> nodes() {
        List<SandboxNode> out = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            out.add(node(i));
        }
        return out;
    }

    Path workDir() {
        return workDir;
    }

    void say(String line) {
        LOG.info(line);
        progress.accept(line);
    }

    /** @return the private key root logs in with on every node */
    public Path clientKey() {
        return workDir.resolve("keys/id_ed25519");
    }

    /** @return this sandbox's known_hosts (reset at every fresh {@link #up()}: node keys are new) */
    public Path knownHosts() {
        return workDir.resolve("keys/known_hosts");
    }

    /** @return an SSH executor for the nodes, as root with the sandbox key */
    public SshExecutor executor() {
        return SshExecutor.builder().user("root").privateKey(clientKey()).knownHosts(knownHosts())
                .hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).connectTimeout(Duration.ofSeconds(5)).connectRetries(3).build();
    }

    /** The recipe; its hash names the cached template, so a changed recipe builds a new one. */
    static String recipe() {
        return "debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,openssh-server,iproute2 bookworm\n"
                + "apt: " + PACKAGES + "\ntrixie@100: " + TRIXIE + "\nv2";
    }

    Path template() {
        try {
            String h = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(recipe().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
            return workDir.resolve("template-" + h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Brings every node up (building the template the first time), idempotently.
     *
     * @return this
     */
    public Sandbox up() {
        requireRoot();
        long t0 = System.nanoTime();
        ensureTemplate();
        if (allRunning()) {
            say("sandbox: already up (" + nodes + " nodes)");
            return this;
        }
        down();
        Sh.ok("set -e; mkdir -p " + workDir.resolve("keys") + "; k=" + clientKey()
                + "; [ -f $k ] || ssh-keygen -q -t ed25519 -N '' -f $k; : > " + knownHosts(), Duration.ofSeconds(30));
        Sh.ok("set -e; ip link add " + BRIDGE + " type bridge; ip addr add " + BRIDGE_IP + "/24 dev " + BRIDGE
                + "; ip link set " + BRIDGE + " up", Duration.ofSeconds(30));
        for (SandboxNode n : nodes()) {
            n.create();
        }
        for (SandboxNode n : nodes()) {
            n.start();
        }
        for (SandboxNode n : nodes()) {
            n.awaitReady(Duration.ofSeconds(90));
        }
        say(String.format("sandbox: %d nodes up in %.1f s", nodes, (System.nanoTime() - t0) / 1e9));
        return this;
    }

    boolean allRunning() {
        for (SandboxNode n : nodes()) {
            if (!n.isRunning()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops every node and removes namespaces, links, cgroups and node overlays; also cleans what
     * a crashed run left. The template stays cached.
     */
    public void down() {
        requireRoot();
        for (int i : indicesToRemove()) {
            new SandboxNode(this, i).destroy();
        }
        // leftovers of a run with more nodes, or of a crash before the pid files were written
        Sh.run("for ns in $(ip netns list 2>/dev/null | awk '/^pgsty-node/{print $1}'); do ip netns del $ns; done; "
                + "for l in $(ip -o link show | awk -F': ' '$2 ~ /^pgsty-v/{print $2}' | cut -d@ -f1); do ip link del $l; done; "
                + "ip link del " + BRIDGE + " 2>/dev/null; true", Duration.ofSeconds(30));
    }

    /**
     * This sandbox's nodes and every node an earlier, larger run left (a 6-node IT sandbox kept with
     * {@code -Dpigsty.sandbox.keep=true}, then {@code pigsty sandbox down} with the default 4): found by
     * their directories under {@code nodes/} and their cgroups, so none keeps running unseen.
     */
    SortedSet<Integer> indicesToRemove() {
        SortedSet<Integer> out = new TreeSet<>();
        for (int i = 0; i < nodes; i++) {
            out.add(i);
        }
        out.addAll(leftoverIndices(workDir.resolve("nodes"), "node"));
        out.addAll(leftoverIndices(Path.of("/sys/fs/cgroup/systemd"), "pgsty-node"));
        out.addAll(leftoverIndices(Path.of("/sys/fs/cgroup/unified"), "pgsty-node"));
        return out;
    }

    static Set<Integer> leftoverIndices(Path dir, String prefix) {
        Set<Integer> out = new TreeSet<>();
        Pattern name = Pattern.compile(Pattern.quote(prefix) + "(\\d{1,2})");
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = name.matcher(p.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) < 40) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // no such directory: nothing left there
        }
        return out;
    }

    @Override
    public void close() {
        down();
    }

    /**
     * Why the sandbox cannot run on this machine, if it cannot: it needs Linux and root
     * (network namespaces, bridges, systemd-nspawn).
     *
     * @return the reason, empty when it can run
     */
    public static java.util.Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return java.util.Optional.of("the sandbox needs Linux");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return java.util.Optional.of("the sandbox needs root (network namespaces, bridges, systemd-nspawn)");
        }
        return java.util.Optional.empty();
    }

    private static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new PigstyException("the sandbox needs root (namespaces, bridges, systemd-nspawn)");
        }
    }

    private void ensureTemplate() {
        Path t = template();
        if (Files.exists(t.resolve(".pigsty-ready"))) {
            return;
        }
        say("sandbox: building the node template " + t + " (debootstrap + packages, a few minutes, once)");
        long t0 = System.nanoTime();
        Path tmp = Path.of(t + ".building");
        String uri = Sh.run("awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null",
                Duration.ofSeconds(10)).stdout().strip();
        if (uri.isEmpty()) {
            uri = "http://deb.debian.org/debian";
        }
        Sh.ok("rm -rf " + tmp + "; mkdir -p " + workDir, Duration.ofMinutes(2));
        Sh.ok("debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,openssh-server,iproute2 bookworm "
                + tmp + " " + uri + " >" + workDir.resolve("debootstrap.log") + " 2>&1", Duration.ofMinutes(15));
        say(String.format("sandbox: debootstrap done in %.0f s, installing packages", (System.nanoTime() - t0) / 1e9));
        String chroot = String.join("\n",
                "set -e",
                "printf '#!/bin/sh\\nexit 101\\n' > " + tmp + "/usr/sbin/policy-rc.d; chmod 755 " + tmp + "/usr/sbin/policy-rc.d",
                "printf 'Types: deb\\nURIs: " + uri + "\\nSuites: bookworm bookworm-updates trixie\\nComponents: main\\n"
                        + "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > " + tmp + "/etc/apt/sources.list.d/debian.sources",
                "rm -f " + tmp + "/etc/apt/sources.list",
                "printf 'Package: *\\nPin: release n=trixie\\nPin-Priority: 100\\n' > " + tmp + "/etc/apt/preferences.d/pigsty-trixie",
                "cp /etc/resolv.conf " + tmp + "/etc/resolv.conf 2>/dev/null || true",
                "unshare --mount --propagation private sh -c '"
                        + "mount -t proc proc " + tmp + "/proc && mount --bind /dev " + tmp + "/dev && mount --bind /dev/pts "
                        + tmp + "/dev/pts && chroot " + tmp + " sh -c \""
                        + "export DEBIAN_FRONTEND=noninteractive; apt-get update -q && "
                        + "apt-get install -y -q --no-install-recommends " + PACKAGES + " && "
                        + "apt-get install -y -q --no-install-recommends " + TRIXIE + " && apt-get clean\"'",
                // node keys are per node; the template must not carry any
                "rm -f " + tmp + "/etc/ssh/ssh_host_*",
                "rm -f " + tmp + "/etc/machine-id; : > " + tmp + "/etc/machine-id",
                "touch " + tmp + "/.pigsty-ready",
                "mv " + tmp + " " + t);
        Sh.ok(chroot + " >" + workDir.resolve("template-packages.log") + " 2>&1", Duration.ofMinutes(20));
        say(String.format("sandbox: template ready in %.0f s", (System.nanoTime() - t0) / 1e9));
    }

    static boolean tcpOpen(String ip, int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), timeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Builder of {@link Sandbox}. */
    public static final class Builder {
        private int nodes = 4;
        private Path workDir = Path.of("/var/lib/pigsty-sandbox");
        private Consumer<String> progress = s -> { };

        private Builder() {
        }

        /** @param n node count (1-40): addresses 10.213.0.10 upward @return this */
        public Builder nodes(int n) {
            if (n < 1 || n > 40) {
                throw new IllegalArgumentException("nodes must be 1-40, got " + n);
            }
            nodes = n;
            return this;
        }

        /** @param dir where the template, keys and node overlays live @return this */
        public Builder workDir(Path dir) {
            workDir = Objects.requireNonNull(dir);
            return this;
        }

        /** @param p receives one line per progress event @return this */
        public Builder progress(Consumer<String> p) {
            progress = Objects.requireNonNull(p);
            return this;
        }

        /** @return the sandbox (nothing started yet) */
        public Sandbox build() {
            return new Sandbox(this);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
