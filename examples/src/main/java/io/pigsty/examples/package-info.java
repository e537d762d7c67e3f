/**
 * Runnable examples and the command-line entry.
 */
package io.pigsty.examples;
