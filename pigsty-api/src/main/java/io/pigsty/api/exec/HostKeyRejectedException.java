package io.pigsty.api.exec;

/**
 * The host's SSH key is not the one on record (changed: possibly a man in the middle, or a
 * rebuilt host) or not on record at all under a strict policy: nothing ran. Never retryable: a
 * person must decide whether to trust the key.
 */
public class HostKeyRejectedException extends ExecException {
    private static final long serialVersionUID = 1L;
    private final boolean changed;

    /**
     * @param host    where
     * @param changed true when a different key is on record for the host, false when none is
     * @param message what went wrong and what to do
     * @param cause   underlying failure, may be null
     */
    public HostKeyRejectedException(Host host, boolean changed, String message, Throwable cause) {
        super(host, "connect", null, "", message, cause);
        this.changed = changed;
    }

    /** @return true when the key on record differs (rather than no key being on record) */
    public boolean changed() {
        return changed;
    }
}
