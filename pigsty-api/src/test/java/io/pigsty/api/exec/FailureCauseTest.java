package io.pigsty.api.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureCauseTest {
    @Test
    void psql_leadsWithTheError_notTheChdirWarning() {
        String err = """
                could not change directory to "/root": Permission denied
                psql:/pg/tmp/pg-db-meta.sql:12: NOTICE: schema "pigsty" already exists, skipping
                psql:/pg/tmp/pg-db-meta.sql:14: ERROR:  extension "postgis" is not available
                DETAIL:  Could not open extension control file "/usr/share/postgresql/15/extension/postgis.control": No such file or directory.
                HINT:  The extension must first be installed on the system where PostgreSQL is running.
                """;
        assertThat(FailureCause.of("", err)).hasValue(
                "psql:/pg/tmp/pg-db-meta.sql:14: ERROR:  extension \"postgis\" is not available");
    }

    @Test
    void psql_connectionError() {
        assertThat(FailureCause.of("", "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: "
                + "No such file or directory")).get().asString().startsWith("psql: error: connection to server");
    }

    @Test
    void apt_unableToLocate() {
        String err = """
                WARNING: apt does not have a stable CLI interface. Use with caution in scripts.

                Reading package lists...
                Building dependency tree...
                Reading state information...
                E: Unable to locate package postgresql-15-nosuchext
                """;
        assertThat(FailureCause.of("", err)).hasValue("E: Unable to locate package postgresql-15-nosuchext");
    }

    @Test
    void systemctl_namesTheUnit() {
        String err = "Job for keepalived.service failed because the control process exited with error code.\n"
                + "See \"systemctl status keepalived.service\" and \"journalctl -xeu keepalived.service\" for details.\n";
        var cause = FailureCause.of("", err);
        assertThat(cause).get().asString().startsWith("Job for keepalived.service failed");
        assertThat(FailureCause.failedUnit(cause.orElseThrow())).hasValue("keepalived.service");
    }

    @Test
    void generic_fallsBackToTheLastLine_andNothingForSilence() {
        assertThat(FailureCause.of("step 1\nstep 2\n", "")).hasValue("step 2");
        assertThat(FailureCause.of("", "curl: (7) Failed to connect to 127.0.0.1 port 2379")).hasValue(
                "curl: (7) Failed to connect to 127.0.0.1 port 2379");
        assertThat(FailureCause.of("", "  \n")).isEmpty();
    }
}
