package io.pigsty.ha.ops;

import io.pigsty.model.PigstyException;
import java.util.OptionalInt;

/** A Patroni REST call failed, or Patroni refused an operation (the message says why). */
public class PatroniException extends PigstyException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param message what failed, naming the endpoint
     * @param status  HTTP status, or -1 when there was no response
     * @param cause   underlying failure, may be null
     */
    public PatroniException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** @return the HTTP status Patroni answered with, empty when it did not answer */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
