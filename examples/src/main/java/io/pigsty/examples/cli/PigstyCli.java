package io.pigsty.examples.cli;

import io.pigsty.model.InventoryParseException;
import io.pigsty.model.PigstyException;
import io.pigsty.model.ValidationException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code pigsty} command line ({@code ./pigsty ...} or {@code java -jar examples/target/pigsty-cli.jar ...}):
 * one command with a subcommand per task, options shared by every subcommand (inventory, SSH,
 * limit, output). {@code pigsty --help} lists the commands; every subcommand has {@code --help}.
 *
 * <p>Exit codes: {@value #OK} ok, {@value #FAILED} failed or refused, {@value #USAGE} usage error
 * (unknown option, missing argument), {@value #INVALID} inventory validation errors, {@value #CHANGES}
 * {@code check} found changes pending (as {@code terraform plan -detailed-exitcode}; 0 there means converged),
 * {@value #INTERRUPTED} stopped by Ctrl-C.
 */
@Command(name = "pigsty", mixinStandardHelpOptions = true, versionProvider = PigstyCli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Pigsty, the PostgreSQL distribution, from Java: validate, plan, check and apply playbooks, "
                + "and run day-2 operations on the hosts of an inventory.",
        subcommands = {
            PlanCommands.Validate.class, PlanCommands.PlanCmd.class, PlanCommands.Check.class, PlanCommands.Apply.class,
            OpsCommands.Status.class, OpsCommands.Switchover.class, OpsCommands.Failover.class,
            OpsCommands.Restart.class, OpsCommands.Reload.class, OpsCommands.Pause.class, OpsCommands.Resume.class,
            OpsCommands.Reinit.class, OpsCommands.Config.class, PgsqlCommands.class, ToolCommands.Passwords.class,
            ToolCommands.SandboxCmd.class, ToolCommands.Completion.class, ToolCommands.Schema.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failed or refused, 2 usage error, 3 inventory validation errors, "
            + "4 check found changes pending, 130 Ctrl-C.",
            "Inventory: -i FILE, else ./pigsty.yml when present, else the shipped sandbox sample."})
public final class PigstyCli implements Runnable {
    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: a step failed or an operation was refused. */
    public static final int FAILED = 1;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;
    /** Exit code: the inventory does not validate (or cannot be parsed). */
    public static final int INVALID = 3;
    /** Exit code of {@code check}: the hosts are reachable and fit, and applying would change something. */
    public static final int CHANGES = 4;
    /** Exit code: stopped by Ctrl-C (128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    @Option(names = {"-i", "--inventory"}, scope = ScopeType.INHERIT, paramLabel = "FILE", order = 1,
            description = "Inventory in Pigsty's pigsty.yml layout (default: ./pigsty.yml if present, else the "
                    + "shipped sandbox sample).")
    Path inventory;

    @Option(names = {"-l", "--limit"}, scope = ScopeType.INHERIT, paramLabel = "HOST|CLUSTER", split = ",", order = 2,
            description = "Narrow the run to these hosts: an address, an instance (pg-test-1) or a cluster/group "
                    + "name; comma-separated, as Ansible's --limit.")
    List<String> limit = List.of();

    @Option(names = "--ssh-user", scope = ScopeType.INHERIT, paramLabel = "USER", order = 3,
            description = "SSH user for every host (wins over ansible_user; default root).")
    String sshUser;

    @Option(names = "--ssh-key", scope = ScopeType.INHERIT, paramLabel = "FILE", order = 4,
            description = "Private key (wins over ansible_ssh_private_key_file; default ~/.ssh/id_ed25519 or id_rsa; "
                    + "the sandbox key for the sandbox sample).")
    Path sshKey;

    @Option(names = "--known-hosts", scope = ScopeType.INHERIT, paramLabel = "FILE", order = 5,
            description = "known_hosts file (default ~/.ssh/known_hosts; the sandbox's for the sandbox sample).")
    Path knownHosts;

    @Option(names = "--host-key-policy", scope = ScopeType.INHERIT, paramLabel = "strict|accept-new", order = 6,
            converter = Conn.PolicyConverter.class, completionCandidates = Conn.PolicyNames.class,
            description = "Unknown host keys: strict refuses them (default), accept-new records them on first contact. "
                    + "A changed key is always refused.")
    io.pigsty.ssh.HostKeyPolicy hostKeyPolicy;

    @Option(names = "--jump", scope = ScopeType.INHERIT, paramLabel = "USER@HOST[:PORT]", order = 7,
            description = "Reach the hosts through this jump host (ssh -J).")
    String jump;

    @Option(names = "--pki", scope = ScopeType.INHERIT, paramLabel = "DIR", order = 7,
            description = "The deployment's CA directory (ca.crt, ca.key 0600; a new CA is made there if both are "
                    + "absent): turns on the PKI module, so PostgreSQL and etcd speak TLS with certificates from it. "
                    + "Default: $PIGSTY_PKI; the sandbox's is /var/lib/pigsty-sandbox/pki. Without either, plans have no TLS.")
    Path pki;

    @Option(names = "--dry-run", scope = ScopeType.INHERIT, order = 8,
            description = "Touch no host: run against the dry-run executor, which answers from the state the plan "
                    + "itself creates (for rehearsals and demos).")
    boolean dryRun;

    @Option(names = "--dry-run-step-delay", scope = ScopeType.INHERIT, hidden = true, paramLabel = "MS",
            description = "With --dry-run: pause this long in every command (to watch the progress display).")
    long dryRunDelayMs;

    @Option(names = "--json", scope = ScopeType.INHERIT, order = 9,
            description = "Print one JSON document on stdout (schema: pigsty schema); logs and progress go to stderr.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, order = 10,
            description = "Print only the result (no progress, no notes).")
    boolean quiet;

    @Option(names = "--debug", scope = ScopeType.INHERIT, order = 11,
            description = "Print stack traces and debug logs.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintStream out = System.out;
    PrintStream err = System.err;
    /** Whether stdout is a terminal: progress redraws in place there, plain lines elsewhere. */
    boolean terminal;
    /** Ctrl-C handling of the running command. */
    final Interrupts interrupts = new Interrupts();
    /** With {@code --dry-run}: this executor instead of a fresh dry-run one (tests give one holding host state). */
    io.pigsty.api.exec.Executor dryRunExecutor;

    @Override
    public void run() {
        // no subcommand: the usage, as a usage error
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        PigstyCli cli = new PigstyCli();
        cli.terminal = System.console() != null;
        cli.interrupts.installHook();
        int code = run(cli, args);
        cli.interrupts.finished();
        if (!cli.interrupts.shuttingDown()) {
            System.exit(code);
        }
    }

    /**
     * Runs one command line (what {@link #main} does, without exiting): for tests and embedding.
     *
     * @param args command line
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PigstyCli cli = new PigstyCli();
        cli.out = out;
        cli.err = err;
        return run(cli, args);
    }

    /**
     * Like {@link #run(String[], PrintStream, PrintStream)}, with {@code --dry-run} running against the given
     * executor (which the caller owns and closes) instead of a fresh dry-run one: a test hands it a strict
     * {@code DryRunExecutor} whose hosts already hold what an earlier apply wrote.
     */
    static int run(String[] args, PrintStream out, PrintStream err, io.pigsty.api.exec.Executor dryRun) {
        PigstyCli cli = new PigstyCli();
        cli.out = out;
        cli.err = err;
        cli.dryRunExecutor = dryRun;
        return run(cli, args);
    }

    private static int run(PigstyCli cli, String[] args) {
        CommandLine cl = commandLine(cli);
        if (java.util.Arrays.asList(args).contains("--debug")) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        } else if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        return cl.execute(args);
    }

    /**
     * @param cli the root command object
     * @return the configured command line: streams, exit codes, and the one place errors become exit codes
     */
    static CommandLine commandLine(PigstyCli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setOut(new PrintWriter(cli.out, true));
        cl.setErr(new PrintWriter(cli.err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.getCommandSpec().exitCodeOnInvalidInput(USAGE);
        cl.setParameterExceptionHandler((ex, args) -> {
            // the message, picocli's suggestions for a misspelling, then the usage of that command
            CommandLine c = ex.getCommandLine();
            c.getErr().println("pigsty: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.usage(c.getErr());
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, line, parse) -> {
            int code = failure(cli, e);
            if (cli.json) {
                // --json promises one document on stdout, also when the command failed
                Out.print(cli, Out.doc(line.getCommandName()).put("ok", false).put("exit_code", code)
                        .put("error", e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            return code;
        });
        return cl;
    }

    /**
     * The one place an exception becomes an exit code and a message on stderr. A user mistake gets
     * its message only; {@code --debug} adds the stack trace.
     */
    static int failure(PigstyCli cli, Exception e) {
        if (cli.debug) {
            e.printStackTrace(cli.err);
        }
        if (e instanceof CommandLine.ParameterException pe) {
            cli.err.println("pigsty: " + pe.getMessage());
            pe.getCommandLine().usage(cli.err);
            return USAGE;
        }
        if (e instanceof ValidationException ve) {
            ve.violations().forEach(v -> cli.err.println(v.severity().name().toLowerCase() + ": " + v));
            cli.err.println("pigsty: the inventory has " + ve.violations().stream()
                    .filter(v -> v.severity() == io.pigsty.model.Severity.ERROR).count() + " error(s)");
            return INVALID;
        }
        if (e instanceof InventoryParseException) {
            cli.err.println("pigsty: " + e.getMessage());
            return INVALID;
        }
        if (e instanceof UsageError) {
            cli.err.println("pigsty: " + e.getMessage());
            return USAGE;
        }
        if (e instanceof PigstyException || e instanceof java.io.UncheckedIOException) {
            cli.err.println("pigsty: " + e.getMessage());
            return cli.interrupts.interrupted() ? INTERRUPTED : FAILED;
        }
        cli.err.println("pigsty: " + e + (cli.debug ? "" : " (--debug for the stack trace)"));
        return FAILED;
    }

    /** A command line that is well-formed but asks for something impossible (exit 2). */
    static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    /** {@code --version}: the SDK version from the jar manifest, and the Pigsty version it follows. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PigstyCli.class.getPackage().getImplementationVersion();
            return new String[] {"pigsty-java " + (v == null ? "dev" : v) + " (Pigsty v4.5 inventory layout), Java "
                    + System.getProperty("java.version")};
        }
    }
}
