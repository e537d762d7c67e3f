/**
 * Local multi-node sandbox built from Linux namespaces and systemd-nspawn, with a JUnit 5 extension.
 */
package io.pigsty.sandbox;
