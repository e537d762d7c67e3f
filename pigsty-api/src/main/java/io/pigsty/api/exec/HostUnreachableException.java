package io.pigsty.api.exec;

/**
 * The host could not be reached at all (connection refused, no route, unknown name, no answer within the connect timeout): nothing ran. Worth retrying later; the inventory may also name a wrong address.
 */
public class HostUnreachableException extends ExecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param host          where
     * @param command       the masked command line or action ({@code connect}, {@code put /etc/x})
     * @param exitCode      exit status, null when there was none
     * @param stderrExcerpt stderr, already masked and shortened (may be empty)
     * @param message       what went wrong
     * @param cause         underlying failure, may be null
     */
    public HostUnreachableException(Host host, String command, Integer exitCode, String stderrExcerpt, String message, Throwable cause) {
        super(host, command, exitCode, stderrExcerpt, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
