package io.pigsty.api.step;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.api.step.internal.UnifiedDiff;
import io.pigsty.model.PigstyException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in step kinds, which cover most of what a playbook does: files, directories,
 * packages, commands, systemd services, SQL and waits. Each one checks before it acts, so
 * applying a converged step changes nothing.
 */
public final class Steps {
    private Steps() {
    }

    /**
     * A file with exact content, mode and owner; on change, the given commands run (reload,
     * restart). Diffs of secret files say only that the content differs.
     *
     * @param file     the desired file
     * @param onChange commands to run after the file changed
     * @return the step {@code file:<path>}
     */
    public static Step file(FileSpec file, Command... onChange) {
        return new FileStep(file, List.of(onChange));
    }

    /**
     * @param path  absolute path
     * @param mode  octal mode
     * @param owner user
     * @param group group
     * @return the step {@code dir:<path>}
     */
    public static Step directory(String path, String mode, String owner, String group) {
        Command check = Command.shell("[ -d " + q(path) + " ] && [ \"$(stat -c '%a %U %G' " + q(path) + ")\" = "
                + q(normMode(mode) + " " + owner + " " + group) + " ]").build();
        Command apply = Command.argv(List.of("install", "-d", "-m", mode, "-o", owner, "-g", group, path)).build();
        return command("dir:" + path, "directory " + path + " " + mode + " " + owner + ":" + group, check, apply);
    }

    /**
     * Debian packages installed (with apt-get; nodes without network need them pre-installed).
     *
     * @param packages package names
     * @return the step {@code packages}
     */
    public static Step packages(List<String> packages) {
        List<String> pkgs = List.copyOf(packages);
        StringBuilder check = new StringBuilder("for p in");
        pkgs.forEach(p -> check.append(' ').append(q(p)));
        check.append("; do dpkg-query -W -f='${db:Status-Abbrev}' \"$p\" 2>/dev/null | grep -q '^ii' || exit 1; done");
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        argv.addAll(pkgs);
        Command apply = Command.argv(argv).env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(10)).build();
        return command("packages", "packages " + String.join(" ", pkgs), Command.shell(check.toString()).build(), apply);
    }

    /**
     * A command guarded by a check command.
     *
     * @param id              step id
     * @param description     human line
     * @param checkConverged  exits 0 when nothing needs doing (must be read-only)
     * @param apply           converges
     * @return the step
     */
    public static Step command(String id, String description, Command checkConverged, Command apply) {
        return new CommandStep(id, description, checkConverged, apply);
    }

    /**
     * A verification (a module's {@code *check}): check and apply both run the command; check
     * reports a change and apply fails, with the command's error lines, when it exits non-zero.
     * Guarded with the command as what converges it, so the strict dry run passes it on a
     * modelled host once the plan ran it.
     *
     * @param id          step id
     * @param description human line, also the start of the failure message
     * @param command     read-only; exits 0 when the verification holds
     * @return the step
     */
    public static Step verify(String id, String description, Command command) {
        return new VerifyStep(id, description, command);
    }

    /**
     * A systemd unit enabled/disabled and running/stopped.
     *
     * @param unit    unit name ({@code patroni}, {@code pgbouncer.service})
     * @param enabled want it enabled at boot
     * @param running want it running now
     * @return the step {@code service:<unit>}
     */
    public static Step service(String unit, boolean enabled, boolean running) {
        String u = q(unit);
        String check = (enabled ? "" : "! ") + "systemctl is-enabled --quiet " + u + " && "
                + (running ? "" : "! ") + "systemctl is-active --quiet " + u;
        List<String> cmds = new ArrayList<>();
        // a unit that failed before may sit in its start limit; converging starts from a clean slate
        cmds.add("{ systemctl reset-failed " + u + " 2>/dev/null || true; }");
        cmds.add("systemctl " + (enabled ? "enable" : "disable") + " --quiet " + u);
        // a unit that does not start explains itself: its status and its last journal lines go to stderr
        cmds.add("{ systemctl " + (running ? "start" : "stop") + " " + u + " || { rc=$?; systemctl status --no-pager -l "
                + u + " >&2; journalctl -u " + u + " -n 15 --no-pager -o cat >&2; exit $rc; }; }");
        return command("service:" + unit, "service " + unit + (enabled ? " enabled" : " disabled")
                        + (running ? " running" : " stopped"), Command.shell(check).build(),
                Command.shell(String.join(" && ", cmds)).timeout(Duration.ofMinutes(3)).build());
    }

    /**
     * SQL run with psql as the database superuser through the local socket, with
     * {@code ON_ERROR_STOP}; the SQL goes through stdin so it never appears in a process list.
     * The SQL must be idempotent.
     *
     * @param id          step id
     * @param description human line
     * @param database    database to connect to
     * @param sql         the statements
     * @param checkQuery  a query returning {@code t} when converged; empty = always apply
     * @return the step
     */
    public static Step sql(String id, String description, String database, String sql, Optional<String> checkQuery) {
        return new SqlStep(id, description, database, sql, checkQuery, "postgres");
    }

    /**
     * Waits until a probe command succeeds.
     *
     * @param id          step id
     * @param description human line
     * @param probe       exits 0 when the wait is over
     * @param timeout     how long to wait at most
     * @param interval    pause between probes
     * @return the step; apply fails when the timeout passes
     */
    public static Step waitFor(String id, String description, Command probe, Duration timeout, Duration interval) {
        return new WaitStep(id, description, probe, timeout, interval);
    }

    static String q(String s) {
        return ShellQuote.quote(s);
    }

    static String normMode(String mode) {
        // leading zeros dropped by a loop: a regex compiled for every directory step of every plan showed
        int i = 0;
        while (i < mode.length() && mode.charAt(i) == '0') {
            i++;
        }
        return i == mode.length() ? "0" : mode.substring(i);
    }

    /** File step. */
    static final class FileStep implements Step, Guarded {
        private final FileSpec file;
        private final List<Command> onChange;
        /** Made once (see {@link CommandStep#rendered}); a plan also asks for the id several times. */
        private final String id;
        private final Rendered rendered;

        FileStep(FileSpec file, List<Command> onChange) {
            this.file = Objects.requireNonNull(file);
            this.onChange = List.copyOf(onChange);
            this.id = "file:" + file.path();
            this.rendered = new Rendered(List.of(file), this.onChange,
                    this.onChange.isEmpty() ? List.of() : List.of("commands run only when the file changed"));
        }

        FileSpec file() {
            return file;
        }

        @Override
        public List<Probe> probes() {
            return List.of();
        }

        @Override
        public List<Command> converging() {
            return onChange;
        }

        @Override
        public List<FileSpec> inputs() {
            return List.of(file);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return "file " + file.path() + " " + file.mode() + " " + file.owner() + ":" + file.group();
        }

        @Override
        public Rendered render() {
            return rendered;
        }

        @Override
        public Check check(StepContext ctx) {
            FileFacts facts = ctx.executor().stat(ctx.host(), file.path());
            List<String> changes = new ArrayList<>();
            if (!facts.exists()) {
                changes.add("create " + file.path() + " (" + file.mode() + " " + file.owner() + ":" + file.group() + ")");
                if (!file.secret()) {
                    changes.add(UnifiedDiff.diff(file.path(), "", file.text()));
                }
                return Check.change(String.join("\n", changes));
            }
            byte[] current = ctx.executor().readFile(ctx.host(), file.path()).orElse(new byte[0]);
            if (!Arrays.equals(current, file.content())) {
                changes.add(file.secret() ? file.path() + ": content differs (secret)"
                        : UnifiedDiff.diff(file.path(), new String(current, StandardCharsets.UTF_8), file.text()));
            }
            if (!normMode(facts.mode()).equals(normMode(file.mode()))) {
                changes.add(file.path() + ": mode " + facts.mode() + " -> " + file.mode());
            }
            if (!facts.owner().equals(file.owner()) || !facts.group().equals(file.group())) {
                changes.add(file.path() + ": owner " + facts.owner() + ":" + facts.group() + " -> " + file.owner() + ":"
                        + file.group());
            }
            return changes.isEmpty() ? Check.ok() : Check.change(String.join("\n", changes));
        }

        @Override
        public Outcome apply(StepContext ctx) {
            if (check(ctx).isOk()) {
                return Outcome.OK;
            }
            ctx.executor().putFile(ctx.host(), file);
            for (Command c : onChange) {
                ctx.runOk(c);
            }
            return Outcome.CHANGED;
        }
    }

    /** Check-then-apply command step. */
    static final class CommandStep implements Step, Guarded {
        private final String id;
        private final String description;
        private final Command check;
        private final Command apply;
        /**
         * Made with the step: a plan renders every step three times (the builder checks its files' modes, the
         * preflight reads the packages of its commands, the text shows it), and the check's display line is a
         * shell quoting of every argument. The same for every built-in step.
         */
        private final Rendered rendered;

        CommandStep(String id, String description, Command check, Command apply) {
            this.id = Objects.requireNonNull(id);
            this.description = Objects.requireNonNull(description);
            this.check = Objects.requireNonNull(check);
            this.apply = Objects.requireNonNull(apply);
            this.rendered = new Rendered(List.of(), List.of(apply), List.of("runs unless: " + check.display()));
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public Rendered render() {
            return rendered;
        }

        @Override
        public List<Probe> probes() {
            return List.of(new Probe(check, ""));
        }

        @Override
        public List<Command> converging() {
            return List.of(apply);
        }

        @Override
        public Check check(StepContext ctx) {
            ExecResult r = ctx.run(check);
            return r.ok() ? Check.ok() : Check.change("would run: " + apply.display());
        }

        @Override
        public Outcome apply(StepContext ctx) {
            if (ctx.run(check).ok()) {
                return Outcome.OK;
            }
            ctx.runOk(apply);
            return Outcome.CHANGED;
        }
    }

    /** Verification step: runs its command in check and apply. */
    static final class VerifyStep implements Step, Guarded {
        private final String id;
        private final String description;
        private final Command command;
        /** Made with the step: see {@link CommandStep#rendered}. */
        private final Rendered rendered;

        VerifyStep(String id, String description, Command command) {
            this.id = Objects.requireNonNull(id);
            this.description = Objects.requireNonNull(description);
            this.command = Objects.requireNonNull(command);
            this.rendered = Rendered.commands(command);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public Rendered render() {
            return rendered;
        }

        @Override
        public List<Probe> probes() {
            return List.of();
        }

        @Override
        public List<Command> converging() {
            return List.of(command);
        }

        @Override
        public Check check(StepContext ctx) {
            ExecResult r = ctx.run(command);
            return r.ok() ? Check.ok() : Check.change("fails: " + errorLines(r));
        }

        @Override
        public Outcome apply(StepContext ctx) {
            ExecResult r = ctx.run(command);
            if (!r.ok()) {
                throw new PigstyException(ctx.host() + ": " + description + " failed: " + errorLines(r));
            }
            return Outcome.OK;
        }

        /** The lines that say error (pgBackRest, psql and most tools print one), else the last line. */
        static String errorLines(ExecResult r) {
            String[] lines = (r.stderr() + "\n" + r.stdout()).strip().split("\n");
            StringBuilder b = new StringBuilder();
            for (String x : lines) {
                if (x.contains("ERROR") || x.contains("error")) {
                    b.append(x.strip()).append("; ");
                }
            }
            return b.length() > 0 ? b.toString() : lines[lines.length - 1];
        }
    }

    /** SQL step. */
    static final class SqlStep implements Step, Guarded {
        private final String id;
        private final String description;
        private final String database;
        private final String sql;
        private final Optional<String> checkQuery;
        private final String dbsu;
        /** Made with the step: see {@link CommandStep#rendered}. */
        private final Rendered rendered;

        SqlStep(String id, String description, String database, String sql, Optional<String> checkQuery, String dbsu) {
            this.id = id;
            this.description = description;
            this.database = database;
            this.sql = sql;
            this.checkQuery = checkQuery;
            this.dbsu = dbsu;
            this.rendered = new Rendered(List.of(), List.of(psql(sql, false)), List.of("sql on " + database + ":\n" + sql.strip()));
        }

        private Command psql(String input, boolean tuplesOnly) {
            List<String> argv = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database));
            if (tuplesOnly) {
                argv.addAll(List.of("-A", "-t"));
            }
            return Command.shell("cd / && exec " + ShellQuote.join(argv)).user(dbsu).stdin(input)
                    .timeout(Duration.ofMinutes(5)).build();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public Rendered render() {
            return rendered;
        }

        @Override
        public List<Probe> probes() {
            return checkQuery.map(q -> List.of(new Probe(psql(q, true), "t"))).orElse(List.of());
        }

        @Override
        public List<Command> converging() {
            return List.of(psql(sql, false));
        }

        @Override
        public Check check(StepContext ctx) {
            if (checkQuery.isEmpty()) {
                return Check.change("would run sql on " + database);
            }
            ExecResult r = ctx.run(psql(checkQuery.get(), true));
            return r.ok() && r.stdout().strip().equals("t") ? Check.ok() : Check.change("would run sql on " + database);
        }

        @Override
        public Outcome apply(StepContext ctx) {
            if (checkQuery.isPresent() && check(ctx).isOk()) {
                return Outcome.OK;
            }
            ctx.runOk(psql(sql, false));
            return checkQuery.isPresent() ? Outcome.CHANGED : Outcome.OK;
        }
    }

    /** Wait step. */
    static final class WaitStep implements Step {
        private final String id;
        private final String description;
        private final Command probe;
        private final Duration timeout;
        private final Duration interval;
        /** Made with the step: see {@link CommandStep#rendered}. */
        private final Rendered rendered;

        WaitStep(String id, String description, Command probe, Duration timeout, Duration interval) {
            this.id = id;
            this.description = description;
            this.probe = probe;
            this.timeout = timeout;
            this.interval = interval;
            this.rendered = new Rendered(List.of(), List.of(probe), List.of("repeated every " + interval.toMillis()
                    + " ms until it succeeds, at most " + timeout.toSeconds() + " s"));
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public Rendered render() {
            return rendered;
        }

        @Override
        public Check check(StepContext ctx) {
            return ctx.run(probe).ok() ? Check.ok() : Check.change("would wait for: " + description);
        }

        @Override
        public Outcome apply(StepContext ctx) {
            long deadline = System.nanoTime() + timeout.toNanos();
            ExecResult last = null;
            // in a simulation nothing changes while we wait: one probe decides
            boolean once = ctx.executor().simulated();
            while (true) {
                try {
                    last = ctx.run(probe);
                    if (last.ok()) {
                        return Outcome.OK;
                    }
                } catch (ExecException e) {
                    if (once || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                if (once || System.nanoTime() > deadline) {
                    throw new ExecException(ctx.host(), probe.display(), last == null ? null : last.exitCode(),
                            last == null ? "" : ExecException.excerpt(probe.mask(last.stderr() + last.stdout())),
                            (once ? "a simulated host never satisfies the wait for: "
                                    : "gave up waiting after " + timeout.toSeconds() + " s for: ") + description, null);
                }
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ExecException(ctx.host(), probe.display(), null, "", "interrupted while waiting", e);
                }
            }
        }
    }
}
