package io.pigsty.model;

import java.util.Objects;
import java.util.Optional;

/**
 * An extension to create in a database.
 *
 * @param name    extension name
 * @param schema  schema to create it in (default: the database's default)
 * @param version version to install (default: the package's default)
 */
public record PgExtension(String name, Optional<String> schema, Optional<String> version) {
    /** Canonical constructor: no nulls. */
    public PgExtension {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(version, "version");
    }

    /**
     * @param name extension name
     * @return the extension in the default schema
     */
    public static PgExtension of(String name) {
        return new PgExtension(name, Optional.empty(), Optional.empty());
    }

    /**
     * @param name   extension name
     * @param schema target schema
     * @return the extension in that schema
     */
    public static PgExtension of(String name, String schema) {
        return new PgExtension(name, Optional.of(schema), Optional.empty());
    }
}
