/** The module SPI through which modules contribute steps and templates. */
package io.pigsty.api.spi;
