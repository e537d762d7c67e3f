package io.pigsty.test;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.step.Guarded;
import io.pigsty.api.step.Step;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict dry run: an {@link Executor} that touches nothing, records every command and file,
 * and answers from a model of each host that the plan's own steps build up. Vendors unit-test
 * plans with it; a second apply of a plan it modelled reports no change.
 *
 * <p>What it answers, in this order:
 * <ol>
 *   <li>a scripted answer ({@link Builder#answer}) whose pattern the command line matches;</li>
 *   <li>the facts probe, from the modelled host: scripted sizes, installed packages (scripted,
 *       or installed by a {@code packages} step) and running services;</li>
 *   <li>the built-in steps' commands: directories ({@code install -d} and its check), packages
 *       ({@code apt-get install} and its {@code dpkg-query} check), services ({@code systemctl
 *       enable/start} and {@code is-enabled/is-active}), {@code systemctl} reloads and restarts,
 *       {@code patroni --version} (from the installed package), and waits on a service's health
 *       endpoint (etcd {@code :2379}, Patroni {@code :8008}, the exporters {@code :9630}/{@code :9631}/{@code :9100},
 *       the TSDB {@code :9090}/{@code :8428}, the VIP), which succeed once the
 *       model runs that service;</li>
 *   <li>the {@link Guarded} steps of the plans given to {@link Builder#model(Plan)}: their
 *       converging commands are accepted, and afterwards, with the step's files in place, each of
 *       their check commands prints its converged output (SQL applied, users created, scripts run);</li>
 * </ol>
 * Any other command fails the step: {@link #run} throws an {@link ExecException} naming the
 * masked command and how to answer it. Files written are remembered, so later checks see them.
 */
public final class DryRunExecutor implements Executor {
    /**
     * One recorded action.
     *
     * @param host   host address
     * @param kind   {@code run} or {@code put}
     * @param detail the masked command (with {@code [user] } when run as another user), or the path
     * @param file   the file, for {@code put}
     */
    public record Recorded(String host, String kind, String detail, Optional<FileSpec> file) {
    }

    private static final Pattern DIR_CHECK = Pattern.compile(
            "^sh -c '\\[ -d (\\S+) \\] && \\[ \"\\$\\(stat -c '\\\\''%a %U %G'\\\\'' \\S+\\)\" = '\\\\''(\\d+) (\\S+) (\\S+)'\\\\'' \\]'$");
    private static final Pattern DIR_APPLY = Pattern.compile("^install -d -m (\\d+) -o (\\S+) -g (\\S+) (\\S+)$");
    private static final Pattern PKG_CHECK = Pattern.compile("^sh -c 'for p in ([^;]+); do dpkg-query .*exit 1; done'$");
    private static final Pattern PKG_APPLY = Pattern.compile(
            "^env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends (.+)$");
    private static final Pattern SVC_CHECK = Pattern.compile(
            "^sh -c '(! )?systemctl is-enabled --quiet (\\S+) && (! )?systemctl is-active --quiet (\\S+)'$");
    private static final Pattern SVC_APPLY = Pattern.compile("^sh -c '\\{ systemctl reset-failed (\\S+) 2>/dev/null \\|\\| "
            + "true; \\} && systemctl (enable|disable) --quiet \\S+ && \\{ systemctl (start|stop) \\S+ \\|\\| \\{ .*; \\}; \\}'$");
    private static final Pattern SVC_NOTIFY = Pattern.compile(
            "^systemctl (try-reload-or-restart|try-restart|reload-or-restart|reload|restart) (\\S+)$");
    private static final Pattern HEALTH_URL = Pattern.compile("https?://([0-9.]+|localhost):(\\d+)/");
    /** Health endpoints a wait may poll, by port: the unit that answers there. */
    // Pigsty's default ports of the services a plan waits for, and the units that serve them
    // (PgBouncer's :9631 is served by Pigsty's pgbouncer_exporter, or by our one pg_exporter JVM per node)
    private static final Map<String, List<String>> HEALTH_PORTS = Map.of("2379", List.of("etcd"),
            "8008", List.of("patroni"), "9630", List.of("pg_exporter"), "9631", List.of("pg_exporter", "pgbouncer_exporter"),
            "9100", List.of("prometheus-node-exporter"), "9090", List.of("prometheus"), "8428", List.of("victoria-metrics"));

    /** A guarded step of a modelled plan, on one host. */
    private record Guard(Guarded step, List<FileSpec> inputs) {
    }

    /** What the model knows about one host. Guarded by its own monitor: one host runs one step at a time. */
    private static final class HostState {
        final Map<String, FileSpec> files = new LinkedHashMap<>();
        final Map<String, String> dirs = new TreeMap<>();
        final Map<String, String> packages = new TreeMap<>();
        final Set<String> enabled = new TreeSet<>();
        /** Read by waits on other hosts without this host's monitor, so concurrent. */
        final Set<String> active = new java.util.concurrent.ConcurrentSkipListSet<>();
        /** Check command line -> converged output, once its guard's commands ran. */
        final Map<String, String> converged = new LinkedHashMap<>();
    }

    private final List<Map.Entry<Pattern, ExecResult>> answers;
    private final Map<String, HostState> hosts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<Guard>>> converging;
    private final Map<String, Set<String>> probes;
    private final List<Recorded> log = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> scriptedPackages;
    private final int cpu;
    private final long memMb;
    private final long diskGb;
    private final String osVersion;
    private final String iface;
    private final java.util.Set<String> unavailable;

    private DryRunExecutor(Builder b) {
        this.answers = List.copyOf(b.answers);
        this.scriptedPackages = Map.copyOf(b.packages);
        this.cpu = b.cpu;
        this.memMb = b.memMb;
        this.diskGb = b.diskGb;
        this.osVersion = b.osVersion;
        this.iface = b.iface;
        this.unavailable = java.util.Set.copyOf(b.unavailable);
        b.files.forEach(f -> state(f.getKey()).files.put(f.getValue().path(), f.getValue()));
        Map<String, Map<String, List<Guard>>> conv = new ConcurrentHashMap<>();
        Map<String, Set<String>> pr = new ConcurrentHashMap<>();
        for (Plan plan : b.plans) {
            for (Phase phase : plan.phases()) {
                phase.steps().forEach((host, steps) -> {
                    for (Step s : steps) {
                        if (s instanceof Guarded g) {
                            Guard guard = new Guard(g, g.inputs());
                            g.converging().forEach(c -> conv.computeIfAbsent(host.address(), k -> new ConcurrentHashMap<>())
                                    .computeIfAbsent(key(c), k -> new ArrayList<>()).add(guard));
                            g.probes().forEach(p -> pr.computeIfAbsent(host.address(), k -> ConcurrentHashMap.newKeySet())
                                    .add(key(p.command())));
                        }
                    }
                });
            }
        }
        this.converging = conv;
        this.probes = pr;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    private HostState state(String address) {
        return hosts.computeIfAbsent(address, a -> {
            HostState s = new HostState();
            s.packages.putAll(scriptedPackages);
            return s;
        });
    }

    /** The command as the model tells commands apart: user and line. */
    private static String key(Command c) {
        return c.user().map(u -> "[" + u + "] ").orElse("") + c.commandLine();
    }

    @Override
    public boolean simulated() {
        return true;
    }

    @Override
    public ExecResult run(Host host, Command command) {
        String line = command.commandLine();
        log.add(new Recorded(host.address(), "run", command.user().map(u -> "[" + u + "] ").orElse("")
                + command.display(), Optional.empty()));
        for (Map.Entry<Pattern, ExecResult> a : answers) {
            if (a.getKey().matcher(line).find()) {
                return a.getValue();
            }
        }
        HostState st = state(host.address());
        synchronized (st) {
            Optional<ExecResult> r = builtIn(host, st, line);
            if (r.isEmpty()) {
                r = modelled(host, st, key(command));
            }
            return r.orElseThrow(() -> new ExecException(host, command.display(), null, "",
                    "dry run: no scripted answer and no model for this command; answer it with DryRunExecutor.builder()"
                            + ".answer(regex, exit, stdout), or model the plan that runs it with .model(plan)", null));
        }
    }

    private Optional<ExecResult> builtIn(Host host, HostState st, String line) {
        if (line.contains("/proc/meminfo") && line.contains("--packages")) {
            StringBuilder sb = new StringBuilder("os=debian\nosver=" + osVersion + "\ncpu=" + cpu + "\nmem=" + memMb
                    + "\ndisk=" + diskGb + "\n--packages\n");
            st.packages.forEach((p, v) -> sb.append(p).append('=').append(v).append('\n'));
            sb.append("--services\n");
            st.active.forEach(u -> sb.append(u).append(".service\n"));
            // every host holds its own address on one interface, as a one-NIC node does
            sb.append("--addresses\n").append(host.address()).append('=').append(iface).append('\n');
            return ok(sb.toString());
        }
        if (line.contains("apt-cache show --no-all-versions")) {
            // the modelled archive has every package but those declared unavailable
            Matcher pm = Pattern.compile("for p in (.*?); do").matcher(line);
            StringBuilder out = new StringBuilder();
            if (pm.find()) {
                for (String p : pm.group(1).split(" ")) {
                    String name = p.replaceAll("[^a-z0-9+.:-]", "");
                    if (!name.isBlank() && !unavailable.contains(name)) {
                        out.append(name).append('\n');
                    }
                }
            }
            return ok(out.toString());
        }
        Matcher m = DIR_CHECK.matcher(line);
        if (m.matches()) {
            return exit((m.group(2) + " " + m.group(3) + " " + m.group(4)).equals(st.dirs.get(m.group(1))));
        }
        m = DIR_APPLY.matcher(line);
        if (m.matches()) {
            st.dirs.put(m.group(4), m.group(1).replaceFirst("^0+(?=\\d)", "") + " " + m.group(2) + " " + m.group(3));
            return ok("");
        }
        m = PKG_CHECK.matcher(line);
        if (m.matches()) {
            return exit(words(m.group(1)).stream().allMatch(st.packages::containsKey));
        }
        m = PKG_APPLY.matcher(line);
        if (m.matches()) {
            words(m.group(1)).forEach(p -> st.packages.putIfAbsent(p, "0-dryrun"));
            return ok("");
        }
        m = SVC_CHECK.matcher(line);
        if (m.matches()) {
            String unit = unit(m.group(2));
            return exit(st.enabled.contains(unit) == (m.group(1) == null) && st.active.contains(unit) == (m.group(3) == null));
        }
        m = SVC_APPLY.matcher(line);
        if (m.matches()) {
            String unit = unit(m.group(1));
            set(st.enabled, unit, m.group(2).equals("enable"));
            set(st.active, unit, m.group(3).equals("start"));
            return ok("");
        }
        m = SVC_NOTIFY.matcher(line);
        if (m.matches() || line.equals("systemctl daemon-reload")) {
            return ok("");
        }
        if (line.equals("patroni --version")) {
            return Optional.ofNullable(st.packages.get("patroni")).map(v -> new ExecResult(0,
                    "patroni " + v.replaceFirst("^\\d+:", "").split("[-~+]")[0] + "\n", "", Duration.ZERO))
                    .or(() -> Optional.of(new ExecResult(127, "", "patroni: not found", Duration.ZERO)));
        }
        return waitProbe(host, st, line);
    }

    /** A wait on a service's health: true once the model runs that service on the host the URL names. */
    private Optional<ExecResult> waitProbe(Host host, HostState st, String line) {
        if (line.contains("ip -o addr show")) {
            // the VIP is bound by keepalived (or vip-manager) on the member that leads
            return exit(st.active.contains("keepalived") || st.active.contains("vip-manager"));
        }
        Matcher m = HEALTH_URL.matcher(line);
        boolean any = false;
        boolean up = false;
        while (m.find()) {
            List<String> units = HEALTH_PORTS.get(m.group(2));
            if (units == null || !line.contains("curl ")) {
                return Optional.empty();
            }
            any = true;
            String ip = m.group(1).equals("127.0.0.1") || m.group(1).equals("localhost") ? host.address() : m.group(1);
            HostState target = state(ip);
            up |= units.stream().anyMatch(target.active::contains);
        }
        return any ? exit(up) : Optional.empty();
    }

    private Optional<ExecResult> modelled(Host host, HostState st, String key) {
        List<Guard> guards = converging.getOrDefault(host.address(), Map.of()).getOrDefault(key, List.of());
        if (!guards.isEmpty()) {
            for (Guard g : guards) {
                // a guard converges when its commands run with its own files in place
                boolean inputsInPlace = g.inputs().stream().allMatch(f -> f.equals(st.files.get(f.path())));
                if (inputsInPlace) {
                    g.step().probes().forEach(p -> st.converged.put(key(p.command()), p.convergedOutput()));
                }
            }
            return ok("");
        }
        if (probes.getOrDefault(host.address(), Set.of()).contains(key)) {
            String out = st.converged.get(key);
            return Optional.of(out == null ? new ExecResult(1, "", "", Duration.ZERO)
                    : new ExecResult(0, out.isEmpty() ? "" : out + "\n", "", Duration.ZERO));
        }
        return Optional.empty();
    }

    private static String unit(String u) {
        return u.replace("'", "").replaceFirst("\\.service$", "");
    }

    private static List<String> words(String s) {
        return List.of(s.replace("'", "").trim().split("\\s+"));
    }

    private static void set(Set<String> set, String v, boolean in) {
        if (in) {
            set.add(v);
        } else {
            set.remove(v);
        }
    }

    private static Optional<ExecResult> ok(String stdout) {
        return Optional.of(new ExecResult(0, stdout, "", Duration.ZERO));
    }

    private static Optional<ExecResult> exit(boolean ok) {
        return Optional.of(new ExecResult(ok ? 0 : 1, "", "", Duration.ZERO));
    }

    @Override
    public void putFile(Host host, FileSpec file) {
        log.add(new Recorded(host.address(), "put", file.path(), Optional.of(file)));
        HostState st = state(host.address());
        synchronized (st) {
            st.files.put(file.path(), file);
        }
    }

    @Override
    public Optional<byte[]> readFile(Host host, String path) {
        HostState st = state(host.address());
        synchronized (st) {
            return Optional.ofNullable(st.files.get(path)).map(FileSpec::content);
        }
    }

    @Override
    public FileFacts stat(Host host, String path) {
        HostState st = state(host.address());
        synchronized (st) {
            FileSpec f = st.files.get(path);
            return f == null ? FileFacts.absent(path)
                    : new FileFacts(path, true, false, f.mode(), f.owner(), f.group(), f.content().length);
        }
    }

    /** @return every recorded action, in order */
    public List<Recorded> recorded() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /**
     * @param host address
     * @return files written to that host, by path
     */
    public Map<String, String> filesWritten(String host) {
        Map<String, String> out = new LinkedHashMap<>();
        recorded().stream().filter(r -> r.host().equals(host) && r.kind().equals("put"))
                .forEach(r -> out.put(r.detail(), new String(r.file().orElseThrow().content(), StandardCharsets.UTF_8)));
        return out;
    }

    /**
     * @param host address
     * @return the services the model runs there now
     */
    public Set<String> runningServices(String host) {
        return Set.copyOf(state(host).active);
    }

    /** @return forgets what was recorded (the modelled host state stays) */
    public DryRunExecutor clearLog() {
        log.clear();
        return this;
    }

    /** Builder of {@link DryRunExecutor}. */
    public static final class Builder {
        private final List<Map.Entry<Pattern, ExecResult>> answers = new ArrayList<>();
        private final List<Map.Entry<String, FileSpec>> files = new ArrayList<>();
        private final Map<String, String> packages = new TreeMap<>();
        private final List<Plan> plans = new ArrayList<>();
        private int cpu = 4;
        private long memMb = 8192;
        private long diskGb = 100;
        private String osVersion = "12";
        private String iface = "eth0";
        private final java.util.Set<String> unavailable = new java.util.HashSet<>();

        private Builder() {
        }

        /**
         * @param versionId Debian {@code VERSION_ID} the facts probe reports ({@code 12} by default)
         * @return this
         */
        public Builder osVersion(String versionId) {
            this.osVersion = versionId;
            return this;
        }

        /**
         * @param name network interface the facts probe reports as holding the host's address ({@code eth0} by default)
         * @return this
         */
        public Builder networkInterface(String name) {
            this.iface = name;
            return this;
        }

        /**
         * @param name a package the node's apt sources do not have (every other one is available)
         * @return this
         */
        public Builder unavailable(String name) {
            this.unavailable.add(name);
            return this;
        }

        /**
         * @param commandRegex found anywhere in the command line; scripted answers win over the model
         * @param exitCode     scripted exit status
         * @param stdout       scripted output
         * @return this
         */
        public Builder answer(String commandRegex, int exitCode, String stdout) {
            answers.add(Map.entry(Pattern.compile(commandRegex), new ExecResult(exitCode, stdout, "", Duration.ZERO)));
            return this;
        }

        /**
         * @param cpu    CPUs the facts probe reports
         * @param memMb  memory
         * @param diskGb disk
         * @return this
         */
        public Builder facts(int cpu, long memMb, long diskGb) {
            this.cpu = cpu;
            this.memMb = memMb;
            this.diskGb = diskGb;
            return this;
        }

        /**
         * @param name    a package installed on every host from the start
         * @param version its version (a package a plan installs gets {@code 0-dryrun})
         * @return this
         */
        public Builder installed(String name, String version) {
            packages.put(name, version);
            return this;
        }

        /**
         * @param host address
         * @param file a file already present there
         * @return this
         */
        public Builder file(String host, FileSpec file) {
            files.add(Map.entry(host, file));
            return this;
        }

        /**
         * Models the host state the plan's own {@link Guarded} steps create: their commands are
         * accepted, and once they ran their checks pass.
         *
         * @param plan a plan to be applied through this executor (give each one)
         * @return this
         */
        public Builder model(Plan plan) {
            plans.add(plan);
            return this;
        }

        /** @return the executor */
        public DryRunExecutor build() {
            return new DryRunExecutor(this);
        }
    }
}
