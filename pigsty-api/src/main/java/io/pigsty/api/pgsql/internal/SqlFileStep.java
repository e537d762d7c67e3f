package io.pigsty.api.pgsql.internal;

import io.pigsty.model.Secret;
import io.pigsty.api.quote.SqlQuote;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Guarded;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes one SQL file under {@code /pg/tmp} and runs it with psql as the dbsu, the way Pigsty
 * runs {@code pg-user-<name>.sql} / {@code pg-db-<name>.sql}. The file may hold a password, so
 * it is written 0600 and marked secret; nothing about it is logged. {@code check} is read-only:
 * it runs convergence queries (and compares a password against the stored verifier, see
 * {@link Scram}) instead of executing the file.
 */
public final class SqlFileStep implements Step, Guarded {
    /** psql may create a database from a large template: generous, but bounded. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    /**
     * A read-only query that prints {@code t} when converged.
     *
     * @param database where to run it
     * @param sql      the query
     * @param what     what differs when it does not print {@code t}
     */
    public record Probe(String database, String sql, String what) {
    }

    /**
     * A password to compare with {@code pg_authid.rolpassword}.
     *
     * @param role     role name
     * @param password inventory value
     */
    public record PasswordProbe(String role, Secret password) {
    }

    private final String id;
    private final String description;
    private final FileSpec file;
    private final String database;
    private final String socketDir;
    private final int port;
    private final String dbsu;
    private final List<Probe> probes;
    private final Optional<PasswordProbe> password;
    private final List<String> notes;
    /**
     * Made with the step: a plan renders every step three times (its builder, its preflight and its text), and
     * the run command is also its converging command and what apply runs.
     */
    private final Command run;
    private final Rendered rendered;

    /**
     * @param id          step id
     * @param description human line
     * @param file        the SQL file
     * @param database    database psql connects to first
     * @param socketDir   PostgreSQL's unix socket directory
     * @param port        pg_port
     * @param dbsu        OS user and database superuser
     * @param probes      convergence queries; none means "always run"
     * @param password    password to compare, if the file sets one
     * @param notes       notes shown in the rendered plan
     */
    public SqlFileStep(String id, String description, FileSpec file, String database, String socketDir, int port, String dbsu,
                       List<Probe> probes, Optional<PasswordProbe> password, List<String> notes) {
        this.id = Objects.requireNonNull(id);
        this.description = Objects.requireNonNull(description);
        this.file = Objects.requireNonNull(file);
        this.database = Objects.requireNonNull(database);
        this.socketDir = Objects.requireNonNull(socketDir);
        this.port = port;
        this.dbsu = Objects.requireNonNull(dbsu);
        this.probes = List.copyOf(probes);
        this.password = Objects.requireNonNull(password);
        this.notes = List.copyOf(notes);
        Command.Builder b = Command.argv(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "-q", "-h", socketDir,
                "-p", String.valueOf(port), "-d", database, "-f", file.path())).user(dbsu).timeout(TIMEOUT);
        // psql echoes a failing statement's text on stderr: mask the password there
        password.ifPresent(pw -> b.secret(pw.password()));
        this.run = b.build();
        this.rendered = new Rendered(List.of(file), List.of(run), this.notes);
    }


    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return description;
    }

    /** @return the psql command that runs the file */
    public Command runCommand() {
        return run;
    }

    private Command query(String db, String sql) {
        return Command.argv(List.of("psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDir,
                "-p", String.valueOf(port), "-d", db, "-c", sql)).user(dbsu).timeout(Duration.ofSeconds(30)).build();
    }

    @Override
    public Rendered render() {
        return rendered;
    }

    private Command passwordQuery(PasswordProbe pw) {
        return query("postgres", "SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = "
                + SqlQuote.literal(pw.role()));
    }

    @Override
    public List<Guarded.Probe> probes() {
        List<Guarded.Probe> out = new ArrayList<>();
        probes.forEach(p -> out.add(new Guarded.Probe(query(p.database(), p.sql()), "t")));
        // what PostgreSQL stores with password_encryption=md5, which Scram.matches accepts
        password.ifPresent(pw -> out.add(new Guarded.Probe(passwordQuery(pw), Scram.md5(pw.role(), pw.password().reveal()))));
        return out;
    }

    @Override
    public List<Command> converging() {
        return List.of(runCommand());
    }

    @Override
    public List<FileSpec> inputs() {
        return List.of(file);
    }

    @Override
    public Check check(StepContext ctx) {
        if (probes.isEmpty()) {
            return Check.change("run " + file.path());
        }
        List<String> differ = new ArrayList<>();
        for (Probe p : probes) {
            ExecResult r = ctx.executor().run(ctx.host(), query(p.database(), p.sql()));
            if (!r.ok() || !r.stdout().strip().equals("t")) {
                differ.add(p.what());
            }
        }
        password.ifPresent(pw -> {
            ExecResult r = ctx.executor().run(ctx.host(), passwordQuery(pw));
            if (!r.ok() || !Scram.matches(r.stdout().strip(), pw.role(), pw.password().reveal())) {
                differ.add("password of " + pw.role());
            }
        });
        return differ.isEmpty() ? Check.ok() : Check.change(String.join("; ", differ) + " -> run " + file.path());
    }

    @Override
    public Outcome apply(StepContext ctx) {
        if (check(ctx) instanceof Check.Ok) {
            return Outcome.OK;
        }
        ctx.executor().putFile(ctx.host(), file);
        Command run = runCommand();
        ctx.executor().run(ctx.host(), run).requireOk(ctx.host(), run);
        return Outcome.CHANGED;
    }
}
