/**
 * The executor SPI: how the SDK runs commands and moves files on hosts.
 */
package io.pigsty.api.exec;
