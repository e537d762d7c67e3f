/** The command-line entry. */
package io.pigsty.examples.cli;
