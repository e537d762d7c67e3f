/**
 * The quoting helpers: one each for shell words, SQL identifiers and SQL literals.
 */
package io.pigsty.api.quote;
