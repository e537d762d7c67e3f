package io.pigsty.api.dryrun;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An {@link Executor} that touches nothing: it records every command and file and answers
 * from a script (a product feature, so vendors unit-test plans). Unscripted commands exit 0 with
 * empty output; the facts probe is answered from scripted facts. Files it was given are
 * remembered, so a second apply of the same plan sees them and reports no change.
 */
public final class DryRunExecutor implements Executor {
    /** One recorded action. */
    public record Recorded(String host, String kind, String detail, Optional<FileSpec> file) {
    }

    private final List<Map.Entry<Pattern, ExecResult>> answers;
    private final Map<String, Map<String, FileSpec>> files = new ConcurrentHashMap<>();
    private final List<Recorded> log = Collections.synchronizedList(new ArrayList<>());
    private final String factsAnswer;
    private final String iface;
    private final java.util.Set<String> unavailable;

    private DryRunExecutor(Builder b) {
        this.answers = List.copyOf(b.answers);
        this.factsAnswer = "os=debian\nosver=" + b.osVersion + "\ncpu=" + b.cpu + "\nmem=" + b.memMb + "\ndisk=" + b.diskGb
                + "\n--packages\n" + String.join("\n", b.packages) + "\n--services\n";
        this.iface = b.iface;
        this.unavailable = java.util.Set.copyOf(b.unavailable);
        b.files.forEach(f -> files.computeIfAbsent(f.getKey(), k -> new ConcurrentHashMap<>())
                .put(f.getValue().path(), f.getValue()));
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ExecResult run(Host host, Command command) {
        String line = command.commandLine();
        log.add(new Recorded(host.address(), "run", (command.user().map(u -> "[" + u + "] ").orElse(""))
                + command.display(), Optional.empty()));
        for (Map.Entry<Pattern, ExecResult> a : answers) {
            if (a.getKey().matcher(line).find()) {
                return a.getValue();
            }
        }
        if (line.contains("apt-cache show --no-all-versions")) {
            // the modelled archive has every package but those declared unavailable
            java.util.regex.Matcher m = Pattern.compile("for p in (.*?); do").matcher(line);
            StringBuilder out = new StringBuilder();
            if (m.find()) {
                for (String p : m.group(1).split(" ")) {
                    String name = p.replaceAll("[^a-z0-9+.:-]", "");
                    if (!name.isBlank() && !unavailable.contains(name)) {
                        out.append(name).append('\n');
                    }
                }
            }
            return new ExecResult(0, out.toString(), "", Duration.ZERO);
        }
        if (line.contains("/proc/meminfo") && line.contains("--packages")) {
            // every host holds its own address on one interface, as a one-NIC node does
            return new ExecResult(0, factsAnswer + "--addresses\n" + host.address() + "=" + iface + "\n", "", Duration.ZERO);
        }
        return new ExecResult(0, "", "", Duration.ZERO);
    }

    @Override
    public void putFile(Host host, FileSpec file) {
        log.add(new Recorded(host.address(), "put", file.path(), Optional.of(file)));
        files.computeIfAbsent(host.address(), k -> new ConcurrentHashMap<>()).put(file.path(), file);
    }

    @Override
    public Optional<byte[]> readFile(Host host, String path) {
        return Optional.ofNullable(files.getOrDefault(host.address(), Map.of()).get(path)).map(FileSpec::content);
    }

    @Override
    public FileFacts stat(Host host, String path) {
        FileSpec f = files.getOrDefault(host.address(), Map.of()).get(path);
        return f == null ? FileFacts.absent(path)
                : new FileFacts(path, true, false, f.mode(), f.owner(), f.group(), f.content().length);
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

    /** @return forgets what was recorded (files written stay known) */
    public DryRunExecutor clearLog() {
        log.clear();
        return this;
    }

    /** Builder of {@link DryRunExecutor}. */
    public static final class Builder {
        private final List<Map.Entry<Pattern, ExecResult>> answers = new ArrayList<>();
        private final List<Map.Entry<String, FileSpec>> files = new ArrayList<>();
        private final List<String> packages = new ArrayList<>();
        private int cpu = 4;
        private long memMb = 8192;
        private long diskGb = 100;
        private String osVersion = "12";
        private String iface = "eth0";
        private final java.util.Set<String> unavailable = new java.util.HashSet<>();

        private Builder() {
        }

        /**
         * @param commandRegex found anywhere in the command line
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
            unavailable.add(name);
            return this;
        }

        /**
         * @param name    installed package
         * @param version its version
         * @return this
         */
        public Builder installed(String name, String version) {
            packages.add(name + "=" + version);
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

        /** @return the executor */
        public DryRunExecutor build() {
            return new DryRunExecutor(this);
        }
    }
}
