package io.pigsty.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pg_exporter v1.4.1's config reading, case by case, with configs written for these tests. */
class PgExporterConfigCompatTest {

    /** The shape of pg_exporter.yml: a doc-only head, legacy branches with leading-zero versions, extras it ignores. */
    static final String PG_EXPORTER_SHAPED = """
            #==============================================================#
            # a config in the shape of pg_exporter.yml (written for this test)
            #==============================================================#
            pg_meta_legacy:
              name: pg_meta
              desc: server facts before PostgreSQL 10
              query: SELECT extract(EPOCH FROM pg_postmaster_start_time()) AS since, 'x' AS ver
              ttl: 10
              min_version: 090600
              max_version: 100000
              tags: [ cluster ]
              x-note: pg_exporter ignores unknown keys
              metrics:
                - since: { usage: GAUGE, description: start time, unit: seconds }
                - ver:   { usage: LABEL }
            pg_meta_10:
              name: pg_meta
              query: SELECT extract(EPOCH FROM pg_postmaster_start_time()) AS since, 'x' AS ver
              min_version: 0100000
              tags: [ cluster ]
              metrics:
                - since: { usage: GAUGE }
                - version_label: { name: ver, usage: LABEL }
            pg_octal:
              query: SELECT 1 AS x
              min_version: 010000
              predicate_queries: [ { name: p, predicate_query: SELECT true, note: ignored } ]
              metrics: [ { x: { usage: GAUGE, scale: '1e-3', default: '0' } } ]
            pg_yaml12_octal:
              query: SELECT 1 AS x
              max_version: 0o17
              metrics: [ { x: { usage: GAUGE } } ]
            """;

    @Test
    void leadingZeroVersionsAreNumbersAsPgExporterReadsThem() {
        CollectorSet set = CollectorSet.parse("pg_exporter.yml", PG_EXPORTER_SHAPED);
        assertThat(set.get("pg_meta_legacy").orElseThrow().minVersion()).as("090600 has a 9: decimal").isEqualTo(90600);
        assertThat(set.get("pg_meta_legacy").orElseThrow().maxVersion()).isEqualTo(100000);
        assertThat(set.get("pg_meta_10").orElseThrow().minVersion()).as("0100000 is octal digits only: octal").isEqualTo(32768);
        assertThat(set.get("pg_octal").orElseThrow().minVersion()).as("yaml.v3 and YAML 1.1 read 010000 as octal").isEqualTo(4096);
        assertThat(set.get("pg_yaml12_octal").orElseThrow().maxVersion()).isEqualTo(15);
        assertThat(set.get("pg_meta_legacy").orElseThrow().supportsVersion(90624)).isTrue();
        assertThat(set.get("pg_meta_legacy").orElseThrow().supportsVersion(150000)).isFalse();
    }

    @Test
    void unknownFieldsAreWarningsNotProblems() {
        CollectorSet set = CollectorSet.parse("pg_exporter.yml", PG_EXPORTER_SHAPED);
        assertThat(set.collectors()).hasSize(4);
        assertThat(set.warnings()).containsExactly(
                "pg_exporter.yml: pg_meta_legacy.x-note: unknown field ignored (known: desc, fatal, max_version, metrics,"
                        + " min_version, name, predicate_queries, priority, query, skip, tags, timeout, ttl)",
                "pg_exporter.yml: pg_meta_legacy.metrics[0].since.unit: unknown field ignored (known: bucket, default,"
                        + " description, name, rename, scale, usage)",
                "pg_exporter.yml: pg_octal.predicate_queries[0].note: unknown field ignored (known: name, predicate_query, ttl)");
        Column x = set.get("pg_octal").orElseThrow().columns().get(0);
        assertThat(x.scale()).as("quoted numbers, as pg_exporter's string-typed scale").isEqualTo(1e-3);
        assertThat(x.defaultValue()).hasValue(0);
    }

    @Test
    void columnNameFieldNamesTheResultColumn() {
        Collector c = CollectorSet.parse("pg_exporter.yml", PG_EXPORTER_SHAPED).get("pg_meta_10").orElseThrow();
        assertThat(c.columns().get(1).column()).isEqualTo("ver");
        assertThat(c.columns().get(1).usage()).isEqualTo(ColumnUsage.LABEL);
        assertThatThrownBy(() -> CollectorSet.parse("d.yml", """
                a: { query: SELECT 1 AS x, metrics: [ { x: { usage: GAUGE } }, { y: { name: x, usage: GAUGE } } ] }
                """)).hasMessageContaining("d.yml: a.metrics[1].y: exports 'x' which column 'x' already exports");
    }

    @Test
    void directorySkipsABadFileKeepsTheRestAndRanksPriorities(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0100-first.yml"), """
                a: { query: SELECT 1 AS x, metrics: [ { x: { usage: GAUGE } } ] }
                b: { query: SELECT 1 AS x, priority: 7, metrics: [ { x: { usage: GAUGE } } ] }
                """);
        Files.writeString(dir.resolve("0200-broken.yml"), "c: { query: SELECT 1 AS x, metrics: [ { x: { usage: NOPE } } ] }\n"
                + "d: { query: SELECT 1 AS x, metrics: [ { x: { usage: GAUGE } } ] }\n");
        Files.writeString(dir.resolve("0300-not-yaml.yaml"), "e: [ unclosed\n");
        Files.writeString(dir.resolve("0400-last.yml"), "f: { query: SELECT 1 AS x, metrics: [ { x: { usage: COUNTER } } ] }\n");
        CollectorSet set = CollectorSet.load(dir);
        assertThat(set.collectors()).extracting(Collector::branch).containsExactly("a", "b", "f");
        assertThat(set.get("a").orElseThrow().priority()).as("rank 1 among the loaded files").isEqualTo(101);
        assertThat(set.get("b").orElseThrow().priority()).as("an explicit priority stays").isEqualTo(7);
        assertThat(set.get("f").orElseThrow().priority()).as("rank 2: skipped files do not count").isEqualTo(102);
        assertThat(set.warnings()).hasSize(2);
        assertThat(set.warnings().get(0)).startsWith("0200-broken.yml: skipped, 1 problem: 0200-broken.yml: c.metrics[0].x.usage:"
                + " unknown usage 'NOPE'");
        assertThat(set.warnings().get(1)).startsWith("0300-not-yaml.yaml: skipped, 1 problem: 0300-not-yaml.yaml: not valid YAML");
        // a single file keeps priority 0, as pg_exporter does
        assertThat(CollectorSet.load(dir.resolve("0400-last.yml")).get("f").orElseThrow().priority()).isZero();
    }

    @Test
    void pgExporterShapedDirectoryLoadsWholeAndPlansByVersion(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0000-doc.yml"), "# only comments, like pg_exporter's doc file\n");
        Files.writeString(dir.resolve("0110-pg.yml"), PG_EXPORTER_SHAPED);
        CollectorSet set = CollectorSet.load(dir);
        assertThat(set.collectors()).hasSize(4);
        assertThat(set.collectors()).allSatisfy(c -> assertThat(c.priority()).isEqualTo(102));
        assertThat(set.metricNames(90600)).contains("pg_meta_since", "pg_octal_x");
    }
}
