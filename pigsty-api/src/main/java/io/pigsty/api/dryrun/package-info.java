/** The dry-run recorder and plan assertions: unit-test plans without touching a host. */
package io.pigsty.api.dryrun;
