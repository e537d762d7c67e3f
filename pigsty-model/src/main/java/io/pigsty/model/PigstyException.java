package io.pigsty.model;

/**
 * Root of every exception the SDK throws on purpose.
 *
 * <p>Unchecked, like the exceptions of the SDKs we learn from: a caller who can react to a
 * specific fault catches the subclass; everyone else lets it travel. The subclasses split by
 * what a caller would do differently: {@link ValidationException} (fix the inventory, every
 * problem listed), {@link InvalidValueException} (a builder or argument got a value it cannot
 * take), and in {@code pigsty-api}/{@code pigsty-ssh} the execution faults ({@code ExecException}
 * with host unreachable, authentication failed, host key rejected, command failed, timeout) and
 * in {@code pigsty-ha} {@code OperationRefusedException}. {@link #retryable()} says whether
 * trying again unchanged can help. Messages name the offending field or host and never contain a secret.
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

    /**
     * Whether the same call may succeed if simply tried again later (a host that was unreachable,
     * a timeout), as opposed to a fault that needs a change first (an invalid inventory, a
     * rejected host key, a wrong password).
     *
     * @return false unless the subclass knows the fault is transient
     */
    public boolean retryable() {
        return false;
    }
}
