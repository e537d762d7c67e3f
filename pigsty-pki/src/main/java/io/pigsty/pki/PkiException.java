package io.pigsty.pki;

import io.pigsty.model.PigstyException;

/** The CA or a certificate could not be created, read or used; the message names the file or field. */
public class PkiException extends PigstyException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the file or field */
    public PkiException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the file or field
     * @param cause   the underlying failure
     */
    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
