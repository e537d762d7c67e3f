package io.pigsty.sandbox;

import io.pigsty.api.exec.Host;
import io.pigsty.model.PigstyException;
import io.pigsty.sandbox.internal.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One node of a {@link Sandbox}: a network namespace on the sandbox bridge and a systemd-nspawn
 * container in it. Also the fault handles tests use: stop, crash, start, partition, heal, kill a
 * process, read the journal.
 */
public final class SandboxNode {
    private final Sandbox sandbox;
    private final int index;

    SandboxNode(Sandbox sandbox, int index) {
        this.sandbox = sandbox;
        this.index = index;
    }

    /** @return address on the bridge: 10.213.0.10 + index */
    public String ip() {
        return "10.213.0." + (10 + index);
    }

    /** @return host name inside the node */
    public String name() {
        return "node" + index;
    }

    /** @return the OS this node boots */
    public io.pigsty.model.DebianRelease os() {
        return sandbox.os(index);
    }

    /** @return the template its overlay is mounted on (by {@link #os()}) */
    public Path template() {
        return sandbox.templateOf(index);
    }

    /** @return the template it was created on, recorded at creation; empty before */
    String bootedTemplate() {
        return Sandbox.read(dir().resolve("template"));
    }

    /** @return this node as an executor host */
    public Host host() {
        return new Host(ip(), name());
    }

    private String ns() {
        return "pgsty-node" + index;
    }

    private String veth() {
        return "pgsty-v" + index;
    }

    private Path dir() {
        return sandbox.workDir().resolve("nodes/" + name());
    }

    private Path pidFile() {
        return dir().resolve("nspawn.pid");
    }

    private String cgroups() {
        return "/sys/fs/cgroup/systemd/" + ns() + " /sys/fs/cgroup/unified/" + ns();
    }

    void create() {
        Path up = dir().resolve("upper");
        String hosts = "127.0.0.1 localhost\\n" + Sandbox.BRIDGE_IP + " sandbox-host\\n";
        StringBuilder all = new StringBuilder(hosts);
        for (SandboxNode n : sandbox.nodes()) {
            all.append(n.ip()).append(' ').append(n.name()).append("\\n");
        }
        String script = String.join("\n",
                "set -e",
                "d=" + dir() + "; rm -rf $d; mkdir -p $d/upper $d/work $d/merged $d/data",
                "ip netns add " + ns(),
                "ip link add " + veth() + " type veth peer name eth0 netns " + ns(),
                "ip link set " + veth() + " master " + Sandbox.BRIDGE + " up",
                "ip -n " + ns() + " link set lo up",
                "ip -n " + ns() + " addr add " + ip() + "/24 dev eth0",
                "ip -n " + ns() + " link set eth0 up",
                "u=" + up,
                "mkdir -p $u/etc/ssh/sshd_config.d $u/root/.ssh",
                "echo " + name() + " > $u/etc/hostname",
                "printf '" + all + "' > $u/etc/hosts",
                "cp " + sandbox.clientKey() + ".pub $u/root/.ssh/authorized_keys",
                "chmod 700 $u/root $u/root/.ssh; chmod 600 $u/root/.ssh/authorized_keys",
                "printf 'PermitRootLogin prohibit-password\\nPasswordAuthentication no\\nUseDNS no\\n' > $u/etc/ssh/sshd_config.d/pigsty.conf",
                "ssh-keygen -q -t ed25519 -N '' -f $u/etc/ssh/ssh_host_ed25519_key",
                "ssh-keygen -q -t ecdsa -N '' -f $u/etc/ssh/ssh_host_ecdsa_key",
                "ssh-keygen -q -t rsa -b 3072 -N '' -f $u/etc/ssh/ssh_host_rsa_key",
                "od -An -N16 -tx1 /dev/urandom | tr -d ' \\n' > $u/etc/machine-id",
                "echo " + template() + " > $d/template",
                "for c in " + cgroups() + "; do mkdir -p $c; done");
        Sh.ok(script, Duration.ofSeconds(60));
    }

    /** Boots the node (after {@link #stop()} or {@link #crash()}, with its disk as it was). */
    public void start() {
        Path d = dir();
        String inner = "echo $$ > /sys/fs/cgroup/systemd/" + ns() + "/cgroup.procs; echo $$ > /sys/fs/cgroup/unified/" + ns()
                + "/cgroup.procs; mkdir -p /run/systemd/nspawn; mount -t tmpfs tmpfs /run/systemd/nspawn; "
                + "mount -t overlay overlay -o lowerdir=" + template() + ",upperdir=" + d.resolve("upper")
                + ",workdir=" + d.resolve("work") + " " + d.resolve("merged") + " && exec systemd-nspawn -q -D "
                + d.resolve("merged") + " --boot --register=no --keep-unit --console=pipe -M " + name()
                + " --network-namespace-path=/run/netns/" + ns() + " --capability=CAP_NET_ADMIN,CAP_NET_RAW"
                // Pigsty's main data mount (pg_fs_main) on a disk of its own, as on a real node: the data
                // directory and backups are not on the overlay root, and node_exporter reports the filesystem
                + " --bind=" + d.resolve("data") + ":/data";
        Sh.ok("for c in " + cgroups() + "; do mkdir -p $c; done; setsid nohup unshare --mount --propagation private sh -c "
                + io.pigsty.api.quote.ShellQuote.quote(inner) + " > " + d.resolve("console.log") + " 2>&1 < /dev/null & echo $! > "
                + pidFile(), Duration.ofSeconds(30));
    }

    /**
     * Waits until sshd answers and systemd finished booting.
     *
     * @param timeout how long to wait
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Sandbox.tcpOpen(ip(), 22, 300)) {
            if (System.nanoTime() > deadline || pid() == 0) {
                throw new PigstyException(name() + " (" + ip() + ") did not start sshd; console:\n"
                        + tail(dir().resolve("console.log")));
            }
            sleep(200);
        }
        long leader = leader();
        String state = Sh.run("nsenter -t " + leader + " -a systemctl is-system-running --wait 2>&1",
                Duration.ofSeconds(Math.max(5, (deadline - System.nanoTime()) / 1_000_000_000L))).stdout().strip();
        if (!state.equals("running") && !state.equals("degraded")) {
            throw new PigstyException(name() + ": systemd is '" + state + "'");
        }
    }

    long pid() { // package-private: tests compare it across up() calls
        try {
            long p = Long.parseLong(Files.readString(pidFile()).strip());
            return ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false) ? p : 0;
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** @return pid of the container's init (PID 1 inside), 0 when not running */
    public long leader() {
        long p = pid();
        if (p == 0) {
            return 0;
        }
        // unshare -> nspawn (exec'd in place) -> container init
        List<ProcessHandle> kids = ProcessHandle.of(p).map(h -> h.children().toList()).orElse(List.of());
        return kids.isEmpty() ? 0 : kids.get(0).pid();
    }

    /** @return true when the node's container runs and its sshd answers */
    public boolean isRunning() {
        return pid() != 0 && Sandbox.tcpOpen(ip(), 22, 300);
    }

    /** Clean shutdown: systemd in the node stops its units, then the container exits. */
    public void stop() {
        long p = pid();
        if (p == 0) {
            return;
        }
        Sh.run("kill -TERM " + p, Duration.ofSeconds(10));
        waitGone(p, Duration.ofSeconds(20));
        if (pid() != 0) {
            crash();
        }
    }

    /** Crash: every process of the node is killed at once, like pulling the power. */
    public void crash() {
        long p = pid();
        if (p == 0) {
            return;
        }
        long l = leader();
        // killing the pid namespace's init kills everything inside it
        Sh.run((l != 0 ? "kill -KILL " + l + "; " : "") + "kill -KILL " + p, Duration.ofSeconds(10));
        waitGone(p, Duration.ofSeconds(10));
    }

    /** Cuts the node off the bridge (its link goes down); {@link #heal()} restores it. */
    public void partition() {
        Sh.ok("ip link set " + veth() + " down", Duration.ofSeconds(10));
    }

    /** Restores the node's link after {@link #partition()}. */
    public void heal() {
        Sh.ok("ip link set " + veth() + " up", Duration.ofSeconds(10));
    }

    /**
     * @param process process name ({@code patroni}, {@code postgres})
     * @param signal  signal name ({@code KILL}, {@code TERM})
     * @return true when a process was signalled
     */
    public boolean killProcess(String process, String signal) {
        long l = leader();
        if (l == 0) {
            return false;
        }
        return Sh.run("nsenter -t " + l + " -a pkill -" + signal + " -x " + io.pigsty.api.quote.ShellQuote.quote(process),
                Duration.ofSeconds(10)).ok();
    }

    /**
     * Runs a host command inside the node's network namespace only: it sees what the node sees on
     * the network (its own address, loopback) even while the node is partitioned off the bridge.
     *
     * @param script  a {@code /bin/sh} script run with the host's binaries
     * @param timeout how long it may run
     * @return its result
     */
    public io.pigsty.api.exec.ExecResult runInNetwork(String script, Duration timeout) {
        return Sh.run("ip netns exec " + ns() + " sh -c " + io.pigsty.api.quote.ShellQuote.quote(script), timeout);
    }

    /**
     * @param unit  systemd unit
     * @param lines last lines to show
     * @return the unit's journal inside the node
     */
    public String journal(String unit, int lines) {
        long l = leader();
        if (l == 0) {
            return "";
        }
        return Sh.run("nsenter -t " + l + " -a journalctl --no-pager -n " + lines + " -u "
                + io.pigsty.api.quote.ShellQuote.quote(unit), Duration.ofSeconds(20)).stdout();
    }

    void destroy() {
        crash();
        Sh.run("ip netns del " + ns() + " 2>/dev/null; ip link del " + veth() + " 2>/dev/null; "
                + "for i in 1 2 3 4 5; do ok=1; for c in " + cgroups() + "; do [ -d $c ] && { find $c -depth -type d "
                + "-exec rmdir {} \\; 2>/dev/null || ok=0; }; done; [ $ok = 1 ] && break; sleep 0.5; done; "
                + "rm -rf " + dir() + "; true", Duration.ofSeconds(60));
    }

    private static void waitGone(long pid, Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path p) {
        String s = Sandbox.read(p);
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    @Override
    public String toString() {
        return name() + "(" + ip() + ")";
    }
}
