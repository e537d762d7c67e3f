package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup alerts ({@code rules/pgbackrest.yml}, BACKUP's own rule file), checked by promtool:
 * the file is valid, each alert fires and resolves in its unit test, and each test depends on its rule.
 */
class BackupAlertsPromtoolTest {
    static final String RULES = "rules/pgbackrest.yml";
    static final String TEST = "rules-test/pgbackrest-test.yml";

    private static String rules() throws Exception {
        return PromtoolTest.resource("/io/pigsty/monitor/prometheus/" + RULES);
    }

    private static Promtool.Result test(Path dir, String rules) throws Exception {
        Files.writeString(dir.resolve("pgbackrest.yml"), rules);
        Files.writeString(dir.resolve("pgbackrest-test.yml"), PromtoolTest.resource(TEST));
        return Promtool.run(dir, "test", "rules", "pgbackrest-test.yml");
    }

    @Test
    void ruleFileIsValid(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pgbackrest.yml"), rules());
        Promtool.Result r = Promtool.run(dir, "check", "rules", "pgbackrest.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 3 rules found");
    }

    @Test
    void everyAlertFiresAndResolves(@TempDir Path dir) throws Exception {
        Promtool.Result r = test(dir, rules());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void eachUnitTestDependsOnItsRule(@TempDir Path dir) throws Exception {
        String text = rules();
        for (String[] m : new String[][]{{"> 26 * 3600", "> 26 * 360000", "PgBackrestFullBackupTooOld"},
                {"pgbackrest_stanza_status != 0", "pgbackrest_stanza_status > 100", "PgBackrestStanzaError"},
                {"increase(pg_archiver_failed_count[5m]) > 0", "increase(pg_archiver_failed_count[5m]) > 100", "PostgresArchiveFailing"}}) {
            String broken = text.replace(m[0], m[1]);
            assertThat(broken).isNotEqualTo(text);
            Promtool.Result r = test(dir, broken);
            assertThat(r.exit()).as(m[2] + " test must fail without its rule:\n" + r.output()).isNotZero();
            assertThat(r.output()).contains("alertname: " + m[2]);
        }
    }
}
