/**
 * The Prometheus side of monitoring, generated from the inventory: {@code prometheus.yml} with
 * file_sd scrape jobs, one target file per instance and job (Pigsty's {@code cls}/{@code ins}/
 * {@code ip} labels), the bundled recording and alert rules, and Grafana dashboards with their
 * provisioning files. Everything is validated in tests by the programs that read it
 * ({@code promtool check config}, {@code promtool check rules}, {@code promtool test rules}).
 */
package io.pigsty.monitor.prometheus;
