package io.pigsty.api.exec;

/**
 * The host answered but refused the credentials (the SSH key, the user): nothing ran. Retrying does not help until the key or user is fixed.
 */
public class AuthenticationFailedException extends ExecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param host          where
     * @param command       the masked command line or action ({@code connect}, {@code put /etc/x})
     * @param exitCode      exit status, null when there was none
     * @param stderrExcerpt stderr, already masked and shortened (may be empty)
     * @param message       what went wrong
     * @param cause         underlying failure, may be null
     */
    public AuthenticationFailedException(Host host, String command, Integer exitCode, String stderrExcerpt, String message, Throwable cause) {
        super(host, command, exitCode, stderrExcerpt, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
