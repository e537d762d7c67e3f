/**
 * Exporter runtime in pg_exporter's collector format, and the Prometheus side of monitoring.
 */
package io.pigsty.monitor;
