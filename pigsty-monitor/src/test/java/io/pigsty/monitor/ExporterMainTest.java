package io.pigsty.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExporterMainTest {
    @Test
    void parsesPgExporterFlags() {
        ExporterMain.Options o = ExporterMain.parse(new String[] {"--url", "postgres://u:p@h/db", "--config=/etc/pg_exporter",
                "--listen", "127.0.0.1:9631", "--label", "cls=pg-test,ins=pg-test-1", "--tag", "a,b", "--no-auto-discovery",
                "--exclude-database", "x,y", "--include-database=app", "--connect-timeout", "250", "--disable-cache"}, Map.of());
        assertThat(o.connectTimeoutMs).isEqualTo(250);
        assertThat(o.disableCache).isTrue();
        assertThat(o.url).isEqualTo("postgres://u:p@h/db");
        assertThat(o.config).isEqualTo("/etc/pg_exporter");
        assertThat(o.labels).containsExactly(Map.entry("cls", "pg-test"), Map.entry("ins", "pg-test-1"));
        assertThat(o.tags).containsExactly("a", "b");
        assertThat(o.autoDiscovery).isFalse();
        assertThat(o.exclude).containsExactly("x", "y");
        assertThat(o.include).containsExactly("app");
        assertThat(ExporterMain.listenAddress(o.listen)).isEqualTo(new InetSocketAddress("127.0.0.1", 9631));
        assertThat(ExporterMain.listenAddress(":9630").getPort()).isEqualTo(9630);
        assertThat(ExporterMain.listenAddress(":9630").getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void urlFromEnvironment() {
        assertThat(ExporterMain.parse(new String[0], Map.of("PG_EXPORTER_URL", "postgres://e@h/db")).url).isEqualTo("postgres://e@h/db");
    }

    @Test
    void badFlagsAreAllReported() {
        assertThatThrownBy(() -> ExporterMain.parse(new String[] {"--bogus", "--label", "novalue", "--listen", "nope",
                "--no-auto-discovery=1", "--connect-timeout", "-3"}, Map.of()))
                .hasMessage(String.join("\n", "unknown flag '--bogus'", "--label: 'novalue' is not k=v",
                        "--no-auto-discovery takes no value", "--connect-timeout: '-3' is not a positive number of milliseconds",
                        "--listen: 'nope' is not [host]:port"));
        assertThatThrownBy(() -> ExporterMain.parse(new String[] {"--url"}, Map.of())).hasMessageContaining("--url needs a value");
    }

    @Test
    void runPrintsUsageAndMasksPasswordsInErrors() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(ExporterMain.run(new String[] {"--help"}, Map.of(), new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--url URL", "--include-database", "--web.listen-address");
        int rc = ExporterMain.run(new String[] {"--url", "mysql://u:topsecret@h/db"}, Map.of(), new PrintStream(out),
                new PrintStream(err));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("mysql://u:******@h/db").doesNotContain("topsecret");
        err.reset();
        assertThat(ExporterMain.run(new String[] {"--url", "postgres://u@h/db", "--config", "/nonexistent/x.yml"}, Map.of(),
                new PrintStream(out), new PrintStream(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/nonexistent/x.yml: no such file or directory");
    }
}
