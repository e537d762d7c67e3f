package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromqlNamesTest {
    @Test
    void findsMetricsAndSkipsFunctionsKeywordsLabelsStringsAndNumbers() {
        PromqlNames.Refs r = PromqlNames.parse("sum by (job, cls) (rate(pg_db_xact_commit{datname=~\"a|b\", "
                + "ins=\"$ins\"}[$__rate_interval])) / on(cls) group_left(ins) max without (datname) (pg:ins:age)"
                + " > bool 1e-3 or up{job='pgsql'} offset 5m unless pg_up * 0");
        assertThat(r.metrics()).containsExactlyInAnyOrder("pg_db_xact_commit", "pg:ins:age", "up", "pg_up");
        assertThat(r.variables()).containsExactlyInAnyOrder("ins", "__rate_interval");
    }

    @Test
    void readsBracedVariablesAndIgnoresRegexGroups() {
        PromqlNames.Refs r = PromqlNames.parse(
                "label_replace(pg_repl_lsn{cls=\"${cls}\", ins=~\"${ins:regex}\"}, \"ins\", \"$1\", \"appname\", \"(.+)\")");
        assertThat(r.metrics()).containsExactly("pg_repl_lsn");
        assertThat(r.variables()).containsExactlyInAnyOrder("cls", "ins");
    }

    @Test
    void aMetricNamedLikeAKeywordPrefixIsStillAMetric() {
        assertThat(PromqlNames.parse("bytes_total + on_time").metrics()).containsExactlyInAnyOrder("bytes_total", "on_time");
    }

    @Test
    void rejectsUnbalancedInput() {
        assertThatThrownBy(() -> PromqlNames.parse("pg_up{ins=\"x\"")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromqlNames.parse("pg_up{ins=\"x}")).isInstanceOf(IllegalArgumentException.class);
    }
}
