package io.pigsty.api.exec;

import java.time.Duration;

/** A command, connect or transfer exceeded its timeout; the remote process was killed. */
public class ExecTimeoutException extends ExecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param host    where
     * @param command masked command line or action description
     * @param timeout the limit that was exceeded
     * @param cause   underlying failure, may be null
     */
    public ExecTimeoutException(Host host, String command, Duration timeout, Throwable cause) {
        super(host, command, null, "", "timed out after " + timeout, cause);
    }

    /** @return true: a slow host or network may well answer in time on another try */
    @Override
    public boolean retryable() {
        return true;
    }
}
