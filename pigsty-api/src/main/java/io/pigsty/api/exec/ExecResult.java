package io.pigsty.api.exec;

import java.time.Duration;
import java.util.Objects;

/**
 * What a command did on a host.
 *
 * @param exitCode the remote exit status (a command killed for its timeout does not produce a
 *                 result: the executor throws {@link ExecTimeoutException})
 * @param stdout   standard output, UTF-8
 * @param stderr   standard error, UTF-8
 * @param duration wall time from start to exit
 */
public record ExecResult(int exitCode, String stdout, String stderr, Duration duration) {
    /** Canonical constructor: no part may be null. */
    public ExecResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    /** @return true when the exit status is 0 */
    public boolean ok() {
        return exitCode == 0;
    }

    /**
     * Throws unless the command succeeded.
     *
     * @param host    where it ran
     * @param command what ran (its secrets are masked in the message)
     * @return this result, for chaining
     * @throws ExecException carrying host, masked command, exit code and a stderr excerpt
     */
    public ExecResult requireOk(Host host, Command command) {
        if (!ok()) {
            throw ExecException.failed(host, command, this);
        }
        return this;
    }
}
