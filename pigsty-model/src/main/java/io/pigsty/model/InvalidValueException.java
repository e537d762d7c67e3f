package io.pigsty.model;

/**
 * A value given to a builder, a factory or an argument cannot be used: the user's mistake, named
 * by its field, never a secret's value. Inventories report such mistakes all at once through
 * {@link ValidationException}; this one is for code that builds the model (or arguments) one call
 * at a time.
 */
public class InvalidValueException extends PigstyException {
    private static final long serialVersionUID = 1L;
    private final String field;

    /**
     * @param field  the field or argument, as the user wrote it ({@code pg_users[0].name}, {@code port})
     * @param value  the offending value, as text (never pass a secret)
     * @param reason what is wrong and, where it helps, what is expected
     */
    public InvalidValueException(String field, String value, String reason) {
        super(field + ": " + (value == null ? "" : "'" + value + "': ") + reason);
        this.field = field;
    }

    /** @return the field or argument the value was given to */
    public String field() {
        return field;
    }
}
