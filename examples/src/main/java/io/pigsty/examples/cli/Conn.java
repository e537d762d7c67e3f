package io.pigsty.examples.cli;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.model.Inventory;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Severity;
import io.pigsty.model.ValidationException;
import io.pigsty.model.Vars;
import io.pigsty.model.Violation;
import io.pigsty.ssh.HostKeyPolicy;
import io.pigsty.ssh.SshExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;

/**
 * How the CLI reaches each host: Pigsty's (Ansible's) connection variables, read at host, group
 * and {@code all.vars} level (the nearest wins), under the command-line flags, which win over all.
 *
 * <ul>
 *   <li>{@code ansible_host}: the address to connect to (the inventory key stays the host's identity)</li>
 *   <li>{@code ansible_port}: SSH port (22)</li>
 *   <li>{@code ansible_user}: SSH user (root; another user runs commands through {@code sudo -n})</li>
 *   <li>{@code ansible_ssh_private_key_file}: private key ({@code ~} expands to the home directory)</li>
 * </ul>
 */
final class Conn {
    static final Path SANDBOX_KEYS = Path.of("/var/lib/pigsty-sandbox/keys");
    /** Environment variable that marks each remote command of a CLI run. */
    static final String MARKER = "PIGSTY_RUN";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Conn.class);

    /**
     * Where and as whom one inventory host is reached.
     *
     * @param address   the inventory's host key (what plans and reports name)
     * @param connectTo the address SSH connects to ({@code ansible_host}, else the key)
     * @param port      SSH port
     * @param user      SSH user
     * @param key       private key file
     */
    record Target(String address, String connectTo, int port, String user, Path key) {
    }

    /**
     * Everything resolved for one run.
     *
     * @param targets     per inventory host
     * @param knownHosts  known_hosts file
     * @param policy      unknown host keys
     * @param jump        jump host as {@code user@host[:port]}, empty for none
     */
    record Settings(Map<String, Target> targets, Path knownHosts, HostKeyPolicy policy, Optional<String> jump) {
    }

    private Conn() {
    }

    /**
     * @param inv       the inventory
     * @param cli       the flags
     * @param sandbox   true when the inventory is the shipped sandbox sample (then the sandbox's key and known_hosts)
     * @return the settings, or every problem at once: flags as a usage error, inventory values as validation errors
     */
    static Settings resolve(Inventory inv, PigstyCli cli, boolean sandbox) {
        List<Violation> bad = new ArrayList<>();
        Path home = Path.of(System.getProperty("user.home"));
        Path defaultKey = sandbox ? SANDBOX_KEYS.resolve("id_ed25519")
                : Files.exists(home.resolve(".ssh/id_ed25519")) || !Files.exists(home.resolve(".ssh/id_rsa"))
                ? home.resolve(".ssh/id_ed25519") : home.resolve(".ssh/id_rsa");
        Map<String, Target> targets = new LinkedHashMap<>();
        for (HostVars h : hostVars(inv)) {
            String connectTo = h.string("ansible_host", bad).orElse(h.address);
            int port = h.string("ansible_port", bad).map(p -> port(p, h.path("ansible_port"), bad)).orElse(22);
            String user = cli.sshUser != null ? cli.sshUser : h.string("ansible_user", bad).orElse("root");
            Path key = cli.sshKey != null ? cli.sshKey
                    : h.string("ansible_ssh_private_key_file", bad).map(k -> expand(k, home)).orElse(defaultKey);
            if (cli.sshKey == null && !cli.dryRun && !Files.isReadable(key)) {
                bad.add(new Violation(h.where("ansible_ssh_private_key_file"), "private key " + key
                        + " is not readable" + (h.has("ansible_ssh_private_key_file") ? "" : " (the default; set "
                        + "ansible_ssh_private_key_file or --ssh-key)"), Severity.ERROR));
            }
            targets.put(h.address, new Target(h.address, connectTo, port, user, key));
        }
        if (cli.sshKey != null && !cli.dryRun && !Files.isReadable(cli.sshKey)) {
            throw new PigstyCli.UsageError("--ssh-key " + cli.sshKey + ": not a readable file");
        }
        if (cli.jump != null && !cli.jump.matches("([^@\\s]+@)?[^@:\\s]+(:\\d{1,5})?")) {
            throw new PigstyCli.UsageError("--jump " + cli.jump + ": expected USER@HOST[:PORT]");
        }
        if (!bad.isEmpty()) {
            // one message per distinct problem: a group-level mistake is not repeated per host
            throw new ValidationException(bad.stream().distinct().toList());
        }
        Path known = cli.knownHosts != null ? cli.knownHosts
                : sandbox ? SANDBOX_KEYS.resolve("known_hosts") : home.resolve(".ssh/known_hosts");
        HostKeyPolicy policy = cli.hostKeyPolicy != null ? cli.hostKeyPolicy
                : sandbox ? HostKeyPolicy.ACCEPT_NEW : HostKeyPolicy.STRICT;
        return new Settings(Map.copyOf(targets), known, policy, Optional.ofNullable(cli.jump));
    }

    private static int port(String p, String path, List<Violation> bad) {
        try {
            int v = Integer.parseInt(p.strip());
            if (v >= 1 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        bad.add(new Violation(path, "'" + p + "' is not a TCP port (1-65535)", Severity.ERROR));
        return 22;
    }

    private static Path expand(String k, Path home) {
        return k.startsWith("~/") ? home.resolve(k.substring(2)) : Path.of(k);
    }

    /** One level of variables and where it sits in the inventory. */
    private record Level(String path, Vars vars) {
    }

    /**
     * One host's connection variables: its own (from every group it appears in), then the vars of
     * those groups, then {@code all.vars}; the first level that sets a key wins, as in Ansible.
     */
    private record HostVars(String address, List<Level> levels) {
        Optional<String> string(String key, List<Violation> bad) {
            for (Level l : levels) {
                Optional<Object> raw = l.vars().raw(key);
                if (raw.isPresent()) {
                    Object o = raw.get();
                    if (o instanceof Map || o instanceof List) {
                        bad.add(new Violation(where(key), "expected a scalar, got " + o, Severity.ERROR));
                        return Optional.empty();
                    }
                    return Optional.of(String.valueOf(o));
                }
            }
            return Optional.empty();
        }

        boolean has(String key) {
            return levels.stream().anyMatch(l -> l.vars().has(key));
        }

        String path(String key) {
            return where(key);
        }

        String where(String key) {
            return levels.stream().filter(l -> l.vars().has(key)).findFirst().orElse(levels.get(0)).path() + "." + key;
        }
    }

    private static List<HostVars> hostVars(Inventory inv) {
        Map<String, List<Level>> own = new LinkedHashMap<>();
        Map<String, List<Level>> groupLevels = new LinkedHashMap<>();
        List<NodeGroup> groups = new ArrayList<>();
        inv.infra().ifPresent(groups::add);
        inv.etcd().ifPresent(groups::add);
        for (PgCluster c : inv.clusters()) {
            for (PgInstance i : c.instances()) {
                add(own, groupLevels, i.ip(), c.name(), i.vars(), c.vars());
            }
        }
        groups.addAll(inv.nodeGroups());
        for (NodeGroup g : groups) {
            g.nodes().forEach(n -> add(own, groupLevels, n.ip(), g.name(), n.vars(), g.vars()));
        }
        List<HostVars> out = new ArrayList<>();
        for (String address : inv.hosts()) {
            List<Level> levels = new ArrayList<>(own.getOrDefault(address, List.of()));
            levels.addAll(groupLevels.getOrDefault(address, List.of()));
            levels.add(new Level("all.vars", inv.vars()));
            out.add(new HostVars(address, levels));
        }
        return out;
    }

    private static void add(Map<String, List<Level>> own, Map<String, List<Level>> groups, String ip, String group,
                            Vars hostVars, Vars groupVars) {
        own.computeIfAbsent(ip, k -> new ArrayList<>()).add(new Level("all.children." + group + ".hosts." + ip, hostVars));
        groups.computeIfAbsent(ip, k -> new ArrayList<>()).add(new Level("all.children." + group + ".vars", groupVars));
    }

    /**
     * @param s resolved settings
     * @return one executor for the run: an SSH executor per distinct (user, port, key), each host
     *         routed to its {@code ansible_host}
     */
    static Executor ssh(Settings s) {
        return new Routing(s);
    }

    /** Routes each inventory host to its SSH executor and connect address. */
    static final class Routing implements Executor {
        private final Settings settings;
        private final Map<String, SshExecutor> byIdentity = new ConcurrentHashMap<>();
        /** Markers of the commands running now, by inventory host: what Ctrl-C ends on the hosts. */
        private final Map<String, java.util.Set<String>> running = new ConcurrentHashMap<>();

        Routing(Settings settings) {
            this.settings = settings;
        }

        private Target target(Host h) {
            Target t = settings.targets().get(h.address());
            if (t == null) {
                // not an inventory host (e.g. a VIP): reached like the first host
                Target any = settings.targets().values().iterator().next();
                t = new Target(h.address(), h.address(), any.port(), any.user(), any.key());
            }
            return t;
        }

        private SshExecutor executor(Target t) {
            return byIdentity.computeIfAbsent(t.user() + "@" + t.port() + "/" + t.key(), k -> {
                SshExecutor.Builder b = SshExecutor.builder().user(t.user()).port(t.port()).privateKey(t.key())
                        .knownHosts(settings.knownHosts()).hostKeyPolicy(settings.policy());
                settings.jump().ifPresent(j -> {
                    String user = j.contains("@") ? j.substring(0, j.indexOf('@')) : t.user();
                    String hp = j.substring(j.indexOf('@') + 1);
                    int port = hp.contains(":") ? Integer.parseInt(hp.substring(hp.indexOf(':') + 1)) : 22;
                    b.jumpHost(hp.contains(":") ? hp.substring(0, hp.indexOf(':')) : hp, port, user);
                });
                return b.build();
            });
        }

        private Host via(Host h, Target t) {
            return t.connectTo().equals(h.address()) ? h : new Host(t.connectTo(), h.toString());
        }

        @Override
        public ExecResult run(Host host, Command command) {
            Target t = target(host);
            // a marker in the remote command's words lets Ctrl-C find and end it on the host
            String marker = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            java.util.Set<String> mine = running.computeIfAbsent(host.address(), k -> ConcurrentHashMap.newKeySet());
            mine.add(marker);
            try {
                return executor(t).run(via(host, t), command.toBuilder().env(MARKER, marker).build());
            } finally {
                mine.remove(marker);
            }
        }

        /**
         * Ends the remote commands running now: {@code pkill} of their marked process trees on each
         * host (TERM; GNU timeout, which wraps every command, passes it to the command's group).
         * Bounded: ten seconds per host.
         */
        void stopRunning() {
            running.forEach((address, markers) -> {
                List<String> now = List.copyOf(markers);
                if (now.isEmpty()) {
                    return;
                }
                Host h = Host.of(address);
                Target t = target(h);
                StringBuilder sh = new StringBuilder();
                for (String m : now) {
                    // [x]yz: the pattern does not match the pkill command line itself
                    sh.append("pkill -TERM -f '").append(MARKER).append("=[").append(m.charAt(0)).append(']')
                            .append(m.substring(1)).append("'; ");
                }
                try {
                    executor(t).run(via(h, t), Command.shell(sh + "true").timeout(java.time.Duration.ofSeconds(10))
                            .build());
                } catch (RuntimeException e) {
                    LOG.warn("could not end the running commands on {}: {}", address, e.getMessage());
                }
            });
        }

        @Override
        public void putFile(Host host, FileSpec file) {
            Target t = target(host);
            executor(t).putFile(via(host, t), file);
        }

        @Override
        public Optional<byte[]> readFile(Host host, String path) {
            Target t = target(host);
            return executor(t).readFile(via(host, t), path);
        }

        @Override
        public FileFacts stat(Host host, String path) {
            Target t = target(host);
            return executor(t).stat(via(host, t), path);
        }

        @Override
        public void close() {
            byIdentity.values().forEach(SshExecutor::close);
        }
    }

    /** The words {@code --host-key-policy} takes, for completion. */
    static final class PolicyNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("strict", "accept-new").iterator();
        }
    }

    /** {@code --host-key-policy strict|accept-new}. */
    static final class PolicyConverter implements CommandLine.ITypeConverter<HostKeyPolicy> {
        @Override
        public HostKeyPolicy convert(String v) {
            return switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "strict" -> HostKeyPolicy.STRICT;
                case "accept-new", "accept_new" -> HostKeyPolicy.ACCEPT_NEW;
                default -> throw new CommandLine.TypeConversionException("expected strict or accept-new, got '" + v + "'");
            };
        }
    }
}
