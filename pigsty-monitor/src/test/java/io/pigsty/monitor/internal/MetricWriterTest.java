package io.pigsty.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricWriterTest {

    @Test
    void rendersFamiliesContiguousSortedWithHelpAndType() {
        MetricWriter w = new MetricWriter();
        w.add("pg_b", MetricWriter.Type.GAUGE, "b help", List.of(Map.entry("datname", "z")), 1);
        w.add("pg_a", MetricWriter.Type.COUNTER, "a help", List.of(), 2.5);
        w.add("pg_b", MetricWriter.Type.GAUGE, "ignored: first help wins", List.of(Map.entry("datname", "a")), 3);
        assertThat(w.render()).isEqualTo("""
                # HELP pg_a a help
                # TYPE pg_a counter
                pg_a 2.5
                # HELP pg_b b help
                # TYPE pg_b gauge
                pg_b{datname="a"} 3
                pg_b{datname="z"} 1
                """);
    }

    @Test
    void escapesLabelValuesAndHelp() {
        MetricWriter w = new MetricWriter();
        w.add("m", MetricWriter.Type.GAUGE, "line1\nback\\slash \"quotes\" stay", List.of(Map.entry("q", "a\"b\\c\nd")), 1);
        assertThat(w.render()).isEqualTo("""
                # HELP m line1\\nback\\\\slash "quotes" stay
                # TYPE m gauge
                m{q="a\\"b\\\\c\\nd"} 1
                """);
    }

    @Test
    void formatsValuesLikeGo() {
        assertThat(MetricWriter.formatValue(Double.NaN)).isEqualTo("NaN");
        assertThat(MetricWriter.formatValue(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(MetricWriter.formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(MetricWriter.formatValue(42)).isEqualTo("42");
        assertThat(MetricWriter.formatValue(-7)).isEqualTo("-7");
        assertThat(MetricWriter.formatValue(0.001)).isEqualTo("0.001");
        assertThat(Double.parseDouble(MetricWriter.formatValue(1.5e300))).isEqualTo(1.5e300);
    }

    @Test
    void dropsDuplicateSeriesAndTypeClashes() {
        MetricWriter w = new MetricWriter();
        assertThat(w.add("m", MetricWriter.Type.GAUGE, "h", List.of(Map.entry("a", "1")), 1)).isTrue();
        assertThat(w.add("m", MetricWriter.Type.GAUGE, "h", List.of(Map.entry("a", "1")), 2)).isFalse();
        assertThat(w.add("m", MetricWriter.Type.COUNTER, "h", List.of(Map.entry("a", "2")), 2)).isFalse();
        assertThat(w.dropped()).isEqualTo(2);
        assertThat(w.render()).isEqualTo("# HELP m h\n# TYPE m gauge\nm{a=\"1\"} 1\n");
    }

    @Test
    void histogramHasCumulativeBucketsInfSumAndCount() {
        MetricWriter w = new MetricWriter();
        w.addHistogram("lat", "latency", List.of(Map.entry("db", "x")), List.of(0.1, 1.0), new long[] {1, 3}, 2.75, 4);
        assertThat(w.render()).isEqualTo("""
                # HELP lat latency
                # TYPE lat histogram
                lat_bucket{db="x",le="0.1"} 1
                lat_bucket{db="x",le="1"} 3
                lat_bucket{db="x",le="+Inf"} 4
                lat_sum{db="x"} 2.75
                lat_count{db="x"} 4
                """);
    }

    @Test
    void emptyOutputIsEmptyAndContentTypeIs004() {
        assertThat(new MetricWriter().render()).isEmpty();
        assertThat(MetricWriter.CONTENT_TYPE).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void constLabelsAppendUnlessTheSeriesHasThem() {
        MetricWriter w = new MetricWriter();
        new Emit.Sample("m", MetricWriter.Type.GAUGE, "h", List.of(Map.entry("ins", "own")), 1)
                .to(w, List.of(Map.entry("ins", "const"), Map.entry("cls", "pg-test")));
        assertThat(w.render()).contains("m{ins=\"own\",cls=\"pg-test\"} 1\n");
    }

    @Test
    void valueConversion() {
        assertThat(DbServer.toDouble("16/B374D848", "lsn")).isEqualTo((double) ((0x16L << 32) + 0xB374D848L));
        assertThat(DbServer.toDouble(Boolean.TRUE, "b")).isEqualTo(1.0);
        assertThat(DbServer.toDouble("f", "b")).isEqualTo(0.0);
        assertThat(DbServer.toDouble(new java.math.BigDecimal("12.5"), "n")).isEqualTo(12.5);
        assertThat(DbServer.toDouble(null, "n")).isNull();
        assertThat(DbServer.toDouble("abc", "n")).as("not a number: the caller exports NaN, as pg_exporter").isNull();
    }

    @Test
    void blocksAreSortedDedupedAndMergedFirstWriterWins() {
        MetricWriter.Block a = MetricWriter.block(List.of(
                new Emit.Sample("pg_t", MetricWriter.Type.GAUGE, "t", List.of(Map.entry("rel", "b")), 2),
                new Emit.Sample("pg_t", MetricWriter.Type.GAUGE, "t", List.of(Map.entry("rel", "a")), 1),
                new Emit.Sample("pg_t", MetricWriter.Type.GAUGE, "t", List.of(Map.entry("rel", "a")), 9)), List.of());
        assertThat(a.size()).as("duplicate inside a block dropped").isEqualTo(2);
        MetricWriter.Block b = MetricWriter.block(List.of(
                new Emit.Sample("pg_t", MetricWriter.Type.GAUGE, "t", List.of(Map.entry("rel", "a")), 7),
                new Emit.Sample("pg_t", MetricWriter.Type.GAUGE, "t", List.of(Map.entry("rel", "c")), 3),
                new Emit.Sample("pg_u", MetricWriter.Type.COUNTER, "u", List.of(), 5)), List.of(Map.entry("cls", "x")));
        MetricWriter w = new MetricWriter();
        w.add("pg_u", MetricWriter.Type.GAUGE, "clash", List.of(), 1);
        w.addBlock(a);
        w.addBlock(b);
        w.addBlock(a); // a cached block replayed twice must not change the output
        assertThat(w.render()).isEqualTo("""
                # HELP pg_t t
                # TYPE pg_t gauge
                pg_t{rel="a",cls="x"} 7
                pg_t{rel="a"} 1
                pg_t{rel="b"} 2
                pg_t{rel="c",cls="x"} 3
                # HELP pg_u clash
                # TYPE pg_u gauge
                pg_u 1
                """);
    }
}
