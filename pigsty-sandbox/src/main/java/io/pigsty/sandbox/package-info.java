/** Local multi-node sandbox built from Linux namespaces and systemd-nspawn. */
package io.pigsty.sandbox;
