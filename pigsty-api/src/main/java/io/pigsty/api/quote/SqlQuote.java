package io.pigsty.api.quote;

import java.util.Objects;

/**
 * The one place where SQL identifiers and literals are quoted. Nothing else in the SDK builds
 * SQL by concatenating names or values.
 *
 * <p>Both forms rely on {@code standard_conforming_strings = on} (PostgreSQL's default since
 * 9.1): inside '...' only a quote is special, inside "..." only a double quote.
 */
public final class SqlQuote {
    private SqlQuote() {
    }

    /**
     * @param name any identifier text; must not contain NUL
     * @return it double-quoted with embedded double quotes doubled: {@code my"t} -> {@code "my""t"}
     * @throws io.pigsty.model.InvalidValueException when empty or containing NUL
     */
    public static String identifier(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new io.pigsty.model.InvalidValueException("identifier", null, "an SQL identifier cannot be empty or contain NUL");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * @param text any text; must not contain NUL
     * @return it single-quoted with embedded quotes doubled: {@code it's} -> {@code 'it''s'}
     * @throws io.pigsty.model.InvalidValueException when containing NUL
     */
    public static String literal(String text) {
        Objects.requireNonNull(text, "text");
        if (text.indexOf('\0') >= 0) {
            throw new io.pigsty.model.InvalidValueException("literal", null, "an SQL literal cannot contain NUL");
        }
        return "'" + text.replace("'", "''") + "'";
    }
}
