package io.pigsty.api.exec;

/**
 * The command ran and exited non-zero: {@link #exitCode()} and {@link #stderrExcerpt()} (the tail, secrets masked) say how. Whether retrying helps depends on the command, so {@link #retryable()} is false.
 */
public class CommandFailedException extends ExecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param host          where
     * @param command       the masked command line or action ({@code connect}, {@code put /etc/x})
     * @param exitCode      exit status, null when there was none
     * @param stderrExcerpt stderr, already masked and shortened (may be empty)
     * @param message       what went wrong
     * @param cause         underlying failure, may be null
     */
    public CommandFailedException(Host host, String command, Integer exitCode, String stderrExcerpt, String message, Throwable cause) {
        super(host, command, exitCode, stderrExcerpt, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
