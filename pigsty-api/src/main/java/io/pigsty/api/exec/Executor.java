package io.pigsty.api.exec;

import java.util.Optional;

/**
 * How the SDK touches hosts. Implementations: SSH ({@code pigsty-ssh}), local, and the dry-run
 * recorder. Implementations are thread-safe: a plan runs hosts in parallel through one
 * executor.
 *
 * <p>Contract shared by every implementation:
 * <ul>
 *   <li>{@link #run} returns a result for any command that exited, whatever its status; it throws
 *       {@link ExecException} when the command could not be run (connection refused, host key
 *       rejected, channel dropped) and {@link ExecTimeoutException} when it exceeded
 *       {@link Command#timeout()} (the remote process is killed).</li>
 *   <li>{@link #putFile} is atomic: a temporary file in the target directory, then rename; mode
 *       and owner are applied before the rename.</li>
 *   <li>No method prints or logs a secret: commands are shown through {@link Command#display()}.</li>
 * </ul>
 */
public interface Executor extends AutoCloseable {

    /**
     * Runs a command on a host.
     *
     * @param host    where
     * @param command what
     * @return exit status and output
     * @throws ExecException        when the command could not be run
     * @throws ExecTimeoutException when it ran longer than its timeout
     */
    ExecResult run(Host host, Command command);

    /**
     * Writes a file atomically with its mode and owner, creating no parent directories. The
     * content is written byte for byte, binary or text.
     *
     * @param host where
     * @param file what
     * @throws ExecException when it could not be written
     */
    void putFile(Host host, FileSpec file);

    /**
     * Reads a whole text file (a configuration file, a script). Not for binary content: an
     * implementation may carry the content as text (the SSH executor decodes it as UTF-8 and
     * encodes it again), so bytes that are not valid UTF-8 do not come back as they were. A step
     * that must compare a binary file asks the host for its digest instead (such as
     * {@code sha256sum}, as a {@link io.pigsty.api.step.Guarded.Probe} the dry run can model).
     *
     * @param host where
     * @param path absolute path
     * @return the content, or empty when no file is there
     * @throws ExecException when the host could not be asked (not when the file is missing)
     */
    Optional<byte[]> readFile(Host host, String path);

    /**
     * Facts about a path.
     *
     * @param host where
     * @param path absolute path
     * @return what is there (possibly {@link FileFacts#absent})
     * @throws ExecException when the host could not be asked
     */
    FileFacts stat(Host host, String path);

    /**
     * @return true when this executor models hosts instead of reaching them (a dry run): nothing
     *         changes while a step waits, so a wait probes once instead of polling until its timeout
     */
    default boolean simulated() {
        return false;
    }

    /** Releases connections; the executor cannot be used afterwards. Never throws. */
    @Override
    default void close() {
    }
}
