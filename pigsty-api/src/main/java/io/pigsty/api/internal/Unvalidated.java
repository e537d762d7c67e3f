package io.pigsty.api.internal;

/**
 * The one way a renderer says "this input should never have reached me": every rule about what a
 * user may write belongs to {@code Inventory.validate()}, so a renderer that still finds a bad
 * value has met a bug (a caller that skipped validation, or a rule missing from the validator),
 * not a user mistake. Hence a JDK exception, not a {@code PigstyException}.
 */
public final class Unvalidated {
    private Unvalidated() {
    }

    /**
     * @param where the field, as the renderer knows it
     * @param value the offending value (never a secret: pass a description instead)
     * @return the exception to throw
     */
    public static IllegalStateException at(String where, String value) {
        return new IllegalStateException("bug: an unvalidated value reached the renderer at " + where + " ('"
                + value.replace("\n", "\\n").replace("\r", "\\r") + "'); Inventory.validate() refuses it");
    }
}
