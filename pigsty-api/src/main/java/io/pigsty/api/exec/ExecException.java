package io.pigsty.api.exec;

import io.pigsty.model.PigstyException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A command could not be run on a host, or ran and failed. Carries the host, the command line
 * with secrets masked, the exit code when there was one, and an excerpt of stderr.
 */
public class ExecException extends PigstyException {
    private static final long serialVersionUID = 1L;
    /** Longest stderr excerpt kept in a message. */
    public static final int EXCERPT = 2000;

    private final transient Host host;
    private final String command;
    private final Integer exitCode;
    private final String stderrExcerpt;

    /**
     * @param host          where
     * @param command       the masked command line (or a description such as {@code put /etc/x})
     * @param exitCode      exit status, null when the command never produced one
     * @param stderrExcerpt stderr, already masked and shortened (may be empty)
     * @param message       what went wrong
     * @param cause         underlying failure, may be null
     */
    public ExecException(Host host, String command, Integer exitCode, String stderrExcerpt,
                         String message, Throwable cause) {
        super(host + ": " + message + " [" + command + "]"
                + (exitCode == null ? "" : " exit " + exitCode)
                + (stderrExcerpt == null || stderrExcerpt.isBlank() ? "" : ": " + stderrExcerpt.strip()),
                cause);
        this.host = host;
        this.command = command;
        this.exitCode = exitCode;
        this.stderrExcerpt = stderrExcerpt == null ? "" : stderrExcerpt;
    }

    /**
     * @param host    where
     * @param command what ran
     * @param result  its non-zero result
     * @return the exception describing the failure
     */
    public static ExecException failed(Host host, Command command, ExecResult result) {
        // lead with the line that names the cause; the excerpt keeps the tail for context
        String cause = FailureCause.of(command.mask(result.stdout()), command.mask(result.stderr())).map(c -> ": " + c).orElse("");
        return new ExecException(host, command.display(), result.exitCode(),
                excerpt(command.mask(result.stderr())), "command failed" + cause, null);
    }

    /**
     * @param text stderr
     * @return its last {@link #EXCERPT} characters
     */
    public static String excerpt(String text) {
        return text.length() <= EXCERPT ? text : "..." + text.substring(text.length() - EXCERPT);
    }

    /** @return the host */
    public Host host() {
        return host;
    }

    /** @return the command line, secrets masked */
    public String command() {
        return command;
    }

    /** @return the exit code, empty when the command never finished */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** @return masked stderr excerpt, possibly empty */
    public Optional<String> stderrExcerpt() {
        return stderrExcerpt.isEmpty() ? Optional.empty() : Optional.of(stderrExcerpt);
    }
}
