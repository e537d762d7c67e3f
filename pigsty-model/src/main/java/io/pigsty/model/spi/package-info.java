/** Extension points of the model: rules that modules add to {@code Inventory.validate()}. */
package io.pigsty.model.spi;
