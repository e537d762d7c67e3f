package io.pigsty.model;

/**
 * Root of every exception the SDK throws on purpose.
 *
 * <p>Unchecked, like the exceptions of the SDKs we learn from: a caller who can react to a
 * specific fault catches the subclass (validation, execution, timeout); everyone else lets it
 * travel. Messages name the offending field or host and never contain a secret.
 */
public class PigstyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, with enough context (path, host, value) to act on it
     */
    public PigstyException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public PigstyException(String message, Throwable cause) {
        super(message, cause);
    }
}
