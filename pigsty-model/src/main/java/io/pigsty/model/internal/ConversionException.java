package io.pigsty.model.internal;

/**
 * A raw inventory value could not be turned into its typed form. Carries a sub-path relative to
 * the key (such as {@code [1].name}) so validation can report the exact place.
 */
public final class ConversionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String subPath;

    /**
     * @param subPath path below the key, empty for the key itself
     * @param reason  plain reason, never containing a secret
     */
    public ConversionException(String subPath, String reason) {
        super(reason, null, false, false);
        this.subPath = subPath;
    }

    /** @return path below the key ({@code [1].name}), empty for the key itself */
    public String subPath() {
        return subPath;
    }

    /**
     * @param prefix a path element to put in front ({@code [2]} or {@code .roles})
     * @return the same failure seen one level up
     */
    public ConversionException under(String prefix) {
        return new ConversionException(prefix + subPath, getMessage());
    }
}
