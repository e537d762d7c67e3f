package io.pigsty.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUrlTest {
    @Test
    void parsesFullUrl() {
        PgUrl u = PgUrl.parse("postgres://dbuser_monitor:DBUser.M%40nitor@10.10.10.11:5433/app?sslmode=require&application_name=x");
        assertThat(u.host()).isEqualTo("10.10.10.11");
        assertThat(u.port()).isEqualTo(5433);
        assertThat(u.database()).isEqualTo("app");
        assertThat(u.user()).isEqualTo("dbuser_monitor");
        assertThat(u.password().reveal()).isEqualTo("DBUser.M@nitor");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://10.10.10.11:5433/app");
        assertThat(u.properties(1)).containsEntry("sslmode", "require").containsEntry("ApplicationName", "x")
                .containsEntry("user", "dbuser_monitor").containsEntry("password", "DBUser.M@nitor")
                .containsEntry("connectTimeout", "1");
        assertThat(u.masked()).isEqualTo("postgres://dbuser_monitor:******@10.10.10.11:5433/app?sslmode=require&application_name=x");
        assertThat(u.toString()).doesNotContain("M@nitor").doesNotContain("M%40nitor");
    }

    @Test
    void defaultsAndSslmodeInjection() {
        PgUrl u = PgUrl.parse("postgresql://postgres@localhost");
        assertThat(u.port()).isEqualTo(5432);
        assertThat(u.database()).isEqualTo("postgres");
        assertThat(u.params()).containsEntry("sslmode", "disable");
        assertThat(PgUrl.parse("postgres:///?user=bob").host()).isEqualTo("localhost");
        assertThat(PgUrl.parse("postgres:///?user=bob").database()).isEqualTo("bob");
        assertThat(PgUrl.parse("postgres://[::1]:6432/pgbouncer").host()).isEqualTo("[::1]");
    }

    @Test
    void pgbouncerUsesSimpleProtocol() {
        PgUrl u = PgUrl.parse("postgres://admin:pw@127.0.0.1:6432/pgbouncer");
        assertThat(u.isPgbouncer()).isTrue();
        assertThat(u.properties(1)).containsEntry("preferQueryMode", "simple");
        assertThat(PgUrl.parse("postgres://a@h/app").properties(1)).doesNotContainKey("preferQueryMode");
    }

    @Test
    void errorsNeverContainThePassword() {
        assertThatThrownBy(() -> PgUrl.parse("mysql://u:s3cret@h/db")).hasMessage("not a postgres:// or postgresql:// URL: mysql://u:******@h/db");
        assertThatThrownBy(() -> PgUrl.parse("postgres://u:s3cret@h:99999/db")).hasMessage("bad port '99999' in postgres://u:******@h:99999/db");
        assertThatThrownBy(() -> PgUrl.parse("postgres://u:s3cret@/db?host=/var/run/postgresql"))
                .hasMessageContaining("unix-socket").hasMessageNotContaining("s3cret");
        assertThat(PgUrl.maskRaw("x password=abc y")).isEqualTo("x password=****** y");
    }
}
