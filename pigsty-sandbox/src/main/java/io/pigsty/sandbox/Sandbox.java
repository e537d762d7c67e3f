package io.pigsty.sandbox;

import io.pigsty.model.DebianRelease;
import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.api.exec.ExecResult;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * in each a systemd-nspawn container booted from a cached Debian 12 or Debian 13 template (per
 * node: {@link Builder#nodeOs(Inventory)}) through its own overlay, with its own hostname, host
 * keys and sshd. {@link #up()} is idempotent and cleans up
 * what a crashed earlier run left; {@link #down()} removes everything it started.
 */
public final class Sandbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /** Bridge address of the sandbox subnet. */
    public static final String BRIDGE_IP = "10.213.0.1";
    /**
     * Where the sandbox deployment's CA lives on this machine ({@code ca.crt}, and {@code ca.key}
     * mode 0600 beside it): {@code Pki.createOrLoad(Sandbox.PKI_DIR, CaSpec.pigstyDefault())}. It
     * outlives {@link #down()}, so a new sandbox trusts the same CA and an operator's client keeps
     * working.
     */
    public static final Path PKI_DIR = Path.of("/var/lib/pigsty-sandbox/pki");
    static final String BRIDGE = "pgsty-br0";
    static final String PACKAGES = "postgresql-15 postgresql-contrib haproxy pgbouncer keepalived python3-psycopg2 python3-etcd sudo "
            + "curl procps less ca-certificates iputils-ping pgbackrest cron openssl postgresql-15-postgis-3 postgresql-15-cron "
            // monitoring: the exporter's JRE and node_exporter on every node, the TSDB stack for the infra node
            + "default-jre-headless prometheus-node-exporter prometheus prometheus-alertmanager prometheus-blackbox-exporter";
    static final String TRIXIE = "patroni/trixie python3-ydiff/trixie etcd-server/trixie etcd-client/trixie";
    /**
     * What a Debian 13 node carries: a PostgreSQL 17 node's stack, all from trixie itself (contrib
     * is part of {@code postgresql-17} there). The TSDB stack of the infra node is not in it: the
     * infra node stays on Debian 12.
     */
    static final String PACKAGES_DEBIAN13 = "postgresql-17 postgresql-client-17 postgresql-17-pgvector postgresql-17-postgis-3 "
            + "postgresql-17-cron haproxy pgbouncer keepalived patroni python3-ydiff python3-psycopg2 python3-etcd "
            + "etcd-server etcd-client sudo curl procps less ca-certificates iputils-ping pgbackrest cron openssl "
            + "default-jre-headless prometheus-node-exporter";
    static final String BASE = "systemd,systemd-sysv,dbus,openssh-server,iproute2";

    private final int nodes;
    private final Path workDir;
    private final Consumer<String> progress;
    private final Map<Integer, DebianRelease> nodeOs;

    private Sandbox(Builder b) {
        this.nodes = b.nodes;
        this.workDir = b.workDir;
        this.progress = b.progress;
        this.nodeOs = Map.copyOf(b.nodeOs);
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

    /**
     * @param index 0-based node index
     * @return the OS the node boots: {@link DebianRelease#DEBIAN13} where the builder asked for it,
     *         else Debian 12
     */
    public DebianRelease os(int index) {
        node(index); // range check
        return nodeOs.getOrDefault(index, DebianRelease.DEBIAN12);
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

    /** The Debian 12 recipe; its hash names the cached template, so a changed recipe builds a new one. */
    static String recipe() {
        return "debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,openssh-server,iproute2 bookworm\n"
                + "apt: " + PACKAGES + "\ntrixie@100: " + TRIXIE + "\nv2";
    }

    /**
     * @param os a release
     * @return its recipe: Debian 12's is {@link #recipe()} (its cache key unchanged), Debian 13's
     *         is trixie alone
     */
    static String recipe(DebianRelease os) {
        return switch (os) {
            case DEBIAN12 -> recipe();
            case DEBIAN13 -> "debootstrap --variant=minbase --include=" + BASE + " trixie\napt: " + PACKAGES_DEBIAN13 + "\nv1";
        };
    }

    /** @return the Debian 12 template (the default of every node) */
    Path template() {
        return template(DebianRelease.DEBIAN12);
    }

    /**
     * The cached template directory of a release, under {@link Builder#workDir}: Debian 12's
     * {@code template-<hash>} (as before there was a choice), Debian 13's
     * {@code template-debian13-<hash>}; the hash is of the recipe, so each is built once and never
     * overwrites the other.
     *
     * @param os a release
     * @return its template directory (built or not)
     */
    public Path template(DebianRelease os) {
        try {
            String h = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(recipe(os).getBytes(StandardCharsets.UTF_8))).substring(0, 12);
            return workDir.resolve(os == DebianRelease.DEBIAN12 ? "template-" + h : "template-" + os.key() + "-" + h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param index 0-based node index
     * @return the template the node's overlay is mounted on
     */
    public Path templateOf(int index) {
        return template(os(index));
    }

    /**
     * Brings every node up (building the template the first time), idempotently.
     *
     * @return this
     */
    public Sandbox up() {
        requireRoot();
        long t0 = System.nanoTime();
        for (DebianRelease os : new java.util.TreeSet<>(nodes().stream().map(SandboxNode::os).toList())) {
            ensureTemplate(os);
        }
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
            // a node created before the per-node choice has no record: it was booted from Debian 12's
            String booted = n.bootedTemplate().isEmpty() ? template().toString() : n.bootedTemplate();
            if (!n.isRunning() || !booted.equals(n.template().toString())) {
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
        return indicesToRemove(List.of(Path.of("/sys/fs/cgroup/systemd"), Path.of("/sys/fs/cgroup/unified")));
    }

    /** @param cgroupRoots where the nodes' cgroups are looked for (the machine's, or a test's own) */
    SortedSet<Integer> indicesToRemove(List<Path> cgroupRoots) {
        SortedSet<Integer> out = new TreeSet<>();
        for (int i = 0; i < nodes; i++) {
            out.add(i);
        }
        out.addAll(leftoverIndices(workDir.resolve("nodes"), "node"));
        for (Path root : cgroupRoots) {
            out.addAll(leftoverIndices(root, "pgsty-node"));
        }
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

    /**
     * Builds the release's template once (debootstrap, then the packages in a chroot) into
     * {@code <template>.building}, moved into place only when complete.
     *
     * @param os the release
     * @return the template directory
     */
    Path ensureTemplate(DebianRelease os) {
        Path t = template(os);
        if (Files.exists(t.resolve(".pigsty-ready"))) {
            return t;
        }
        boolean d12 = os == DebianRelease.DEBIAN12;
        // Debian 12's log names are kept as they were; Debian 13's have their own
        String suffix = d12 ? "" : "-" + os.key();
        say("sandbox: building the " + os.display() + " node template " + t + " (debootstrap + packages, a few minutes, once)");
        long t0 = System.nanoTime();
        Path tmp = Path.of(t + ".building");
        String uri = Sh.run("awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null",
                Duration.ofSeconds(10)).stdout().strip();
        if (uri.isEmpty()) {
            uri = "http://deb.debian.org/debian";
        }
        Sh.ok("rm -rf " + tmp + "; mkdir -p " + workDir, Duration.ofMinutes(2));
        Sh.ok("debootstrap --variant=minbase --include=" + BASE + " " + os.codename() + " "
                + tmp + " " + uri + " >" + workDir.resolve("debootstrap" + suffix + ".log") + " 2>&1", Duration.ofMinutes(15));
        say(String.format("sandbox: debootstrap done in %.0f s, installing packages", (System.nanoTime() - t0) / 1e9));
        // Debian 12 takes Patroni >= 3.0.3 and etcd 3.5 from trixie, pinned low; Debian 13 has them
        String suites = d12 ? "bookworm bookworm-updates trixie" : "trixie trixie-updates";
        String install = d12
                ? "apt-get install -y -q --no-install-recommends " + PACKAGES + " && "
                        + "apt-get install -y -q --no-install-recommends " + TRIXIE
                : "apt-get install -y -q --no-install-recommends " + PACKAGES_DEBIAN13;
        String chroot = String.join("\n",
                "set -e",
                "printf '#!/bin/sh\\nexit 101\\n' > " + tmp + "/usr/sbin/policy-rc.d; chmod 755 " + tmp + "/usr/sbin/policy-rc.d",
                "printf 'Types: deb\\nURIs: " + uri + "\\nSuites: " + suites + "\\nComponents: main\\n"
                        + "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > " + tmp + "/etc/apt/sources.list.d/debian.sources",
                "rm -f " + tmp + "/etc/apt/sources.list",
                d12 ? "printf 'Package: *\\nPin: release n=trixie\\nPin-Priority: 100\\n' > " + tmp + "/etc/apt/preferences.d/pigsty-trixie"
                        : "true",
                "cp /etc/resolv.conf " + tmp + "/etc/resolv.conf 2>/dev/null || true",
                "unshare --mount --propagation private sh -c '"
                        + "mount -t proc proc " + tmp + "/proc && mount --bind /dev " + tmp + "/dev && mount --bind /dev/pts "
                        + tmp + "/dev/pts && chroot " + tmp + " sh -c \""
                        + "export DEBIAN_FRONTEND=noninteractive; apt-get update -q && "
                        + install + " && apt-get clean\"'",
                // node keys are per node; the template must not carry any
                "rm -f " + tmp + "/etc/ssh/ssh_host_*",
                "rm -f " + tmp + "/etc/machine-id; : > " + tmp + "/etc/machine-id",
                "touch " + tmp + "/.pigsty-ready",
                "mv " + tmp + " " + t);
        // the braces send the whole script's output to the log (a bare redirect caught only its last line)
        Path log = workDir.resolve("template" + suffix + "-packages.log");
        ExecResult r = Sh.run("{\n" + chroot + "\n} >" + log + " 2>&1", Duration.ofMinutes(20));
        if (!r.ok()) {
            throw new PigstyException("sandbox: building the " + os.display() + " template failed (exit " + r.exitCode()
                    + "), see " + log + ":\n" + tailOf(log));
        }
        say(String.format("sandbox: %s template ready in %.0f s", os.display(), (System.nanoTime() - t0) / 1e9));
        return t;
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
        private final Map<Integer, DebianRelease> nodeOs = new java.util.HashMap<>();

        private Builder() {
        }

        /**
         * @param index 0-based node index (10.213.0.10 + index)
         * @param os    the release it boots (default Debian 12)
         * @return this
         */
        public Builder nodeOs(int index, DebianRelease os) {
            if (index < 0 || index >= 40) {
                throw new IllegalArgumentException("node index must be 0-39, got " + index);
            }
            nodeOs.put(index, Objects.requireNonNull(os));
            return this;
        }

        /**
         * Each sandbox node the inventory names boots the release of its {@code node_os} (host,
         * then group, then global vars): {@code debian13} (or {@code d13}, {@code trixie}) gives
         * the Debian 13 template, anything else, or nothing, Debian 12's. Hosts outside the
         * sandbox's addresses are ignored.
         *
         * @param inv the inventory to deploy on the sandbox
         * @return this
         * @throws IllegalArgumentException naming the host when its {@code node_os} is unknown, or
         *         when its groups declare different ones
         */
        public Builder nodeOs(Inventory inv) {
            Map<String, String> declared = new java.util.LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            java.util.function.BiConsumer<String, Optional<String>> add = (ip, os) -> os.ifPresent(o -> {
                String before = declared.putIfAbsent(ip, o);
                if (before != null && !DebianRelease.parse(before).equals(DebianRelease.parse(o))) {
                    problems.add("host " + ip + " has node_os '" + before + "' in one group and '" + o + "' in another");
                }
            });
            for (NodeGroup g : groups(inv)) {
                for (Node n : g.nodes()) {
                    add.accept(n.ip(), inv.resolveNode(g, n).find(Params.NODE_OS));
                }
            }
            for (PgCluster c : inv.clusters()) {
                for (PgInstance i : c.instances()) {
                    add.accept(i.ip(), inv.resolve(c, i).find(Params.NODE_OS));
                }
            }
            declared.forEach((ip, os) -> {
                Optional<DebianRelease> r = DebianRelease.parse(os);
                if (r.isEmpty()) {
                    problems.add("host " + ip + ": unknown node_os '" + os + "' (the sandbox has debian12 and debian13 templates)");
                    return;
                }
                if (ip.startsWith("10.213.0.")) {
                    int index = Integer.parseInt(ip.substring("10.213.0.".length())) - 10;
                    if (index >= 0 && index < 40) {
                        nodeOs.put(index, r.get());
                    }
                }
            });
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return this;
        }

        private static List<NodeGroup> groups(Inventory inv) {
            List<NodeGroup> out = new ArrayList<>();
            inv.infra().ifPresent(out::add);
            inv.etcd().ifPresent(out::add);
            out.addAll(inv.nodeGroups());
            return out;
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

    private static String tailOf(Path log) {
        String s = read(log);
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
