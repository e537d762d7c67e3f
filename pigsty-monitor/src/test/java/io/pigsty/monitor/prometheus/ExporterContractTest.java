package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.monitor.CollectorSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every PostgreSQL and PgBouncer name that rules and dashboards use is one our exporter produces. */
class ExporterContractTest {
    @Test
    void everyPgAndPgbouncerNameOfTheContract_isProducedOnPg15AndPgbouncer118() throws Exception {
        SortedSet<String> produced = new java.util.TreeSet<>(CollectorSet.defaults().metricNames(150000));
        produced.addAll(CollectorSet.defaults().metricNames(11800)); // PgBouncer 1.18, Debian 12's
        Set<String> ours = MetricContract.exporterMetrics().stream()
                .filter(n -> n.startsWith("pg_") || n.startsWith("pgbouncer_")).collect(Collectors.toSet());
        assertThat(ours).hasSizeGreaterThan(20);
        List<String> missing = ours.stream().filter(n -> !produced.contains(n)).sorted().toList();
        assertThat(missing).as("contract names the exporter does not produce").isEmpty();
    }
}
