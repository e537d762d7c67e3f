/**
 * The engine: steps, plans, playbooks, templates, the dry-run recorder and the module SPI.
 */
package io.pigsty.api;
