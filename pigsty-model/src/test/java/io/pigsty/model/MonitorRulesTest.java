package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorRulesTest {
    static Inventory parse(String infraVars, String globalVars) {
        String yaml = """
                all:
                  children:
                    infra:
                      hosts: { 10.213.0.10: { infra_seq: 1 } }
                      vars:
                %s
                    etcd:
                      hosts: { 10.213.0.10: { etcd_seq: 1 } }
                    pg-test:
                      hosts: { 10.213.0.11: { pg_seq: 1, pg_role: primary } }
                      vars: { pg_cluster: pg-test }
                  vars:
                    admin_ip: 10.213.0.10
                %s
                """.formatted(infraVars.indent(8), globalVars.indent(4));
        return Inventory.parseUnvalidated(yaml, "t.yml");
    }

    static List<String> errors(Inventory inv) {
        return inv.validate().errors().stream().map(Violation::toString).toList();
    }

    @Test
    void pigstysRemoteShapeIsAccepted() {
        Inventory inv = parse("""
                pg_exporters:
                  20001: { pg_cluster: pg-foo, pg_seq: 1, pg_host: 10.10.10.10 }
                  20002: { pg_cluster: pg-foo, pg_seq: 2, pg_host: 10.10.10.11, pg_port: 5433 }
                  20003: { pg_cluster: pg-bar, pg_seq: 1, pg_exporter_url: 'postgres://m:p@rds.example.com:5432/postgres' }
                """, "prometheus_remote_write: [ 'http://10.0.0.9:8428/api/v1/write' ]");
        assertThat(errors(inv)).isEmpty();
    }

    @Test
    void everyMistakeIsReportedAtItsPath() {
        Inventory inv = parse("""
                pg_exporters:
                  80: { pg_cluster: pg-foo, pg_seq: 1, pg_host: 10.10.10.10 }
                  9630: { pg_cluster: pg-foo, pg_seq: 2, pg_host: 10.10.10.11 }
                  20001: { pg_cluster: Pg_Foo, pg_seq: -1 }
                  20002: { pg_cluster: pg-foo, pg_seq: 1, pg_host: 10.10.10.12, pg_port: big, pg_exporter_url: 'mysql://x' }
                  20003: { pg_cluster: pg-test, pg_seq: 1, pg_host: 10.213.0.11, colour: blue }
                  20004: nothing
                """, "prometheus_remote_write: [ 'ftp://nowhere' ]");
        List<String> e = errors(inv);
        String base = "all.children.infra.vars.pg_exporters.";
        assertThat(e).anyMatch(s -> s.contains(base + "80") && s.contains("1024-65535"))
                .anyMatch(s -> s.contains(base + "9630") && s.contains("taken"))
                .anyMatch(s -> s.contains(base + "20001.pg_cluster"))
                .anyMatch(s -> s.contains(base + "20001.pg_seq"))
                .anyMatch(s -> s.contains(base + "20001.pg_host") && s.contains("required"))
                .anyMatch(s -> s.contains(base + "20002.pg_port"))
                .anyMatch(s -> s.contains(base + "20002.pg_exporter_url"))
                .anyMatch(s -> s.contains(base + "20002") && s.contains("pg-foo-1 is already monitored on port 80"))
                .anyMatch(s -> s.contains(base + "20003") && s.contains("managed instance"))
                .anyMatch(s -> s.contains(base + "20004") && s.contains("must be a map"))
                .anyMatch(s -> s.contains("prometheus_remote_write[0]") && s.contains("ftp://nowhere"));
        assertThat(inv.validate().violations()).anyMatch(v -> v.severity() == Severity.WARNING
                && v.path().equals(base + "20003.colour"));
        // the connection URL may hold a password: never echoed
        assertThat(String.join("\n", e)).doesNotContain("mysql://x");
    }

    @Test
    void remoteWriteNeedsPrometheus() {
        Inventory inv = parse("{}", "vmetrics_enabled: true\nprometheus_remote_write: [ 'http://x:8428/api/v1/write' ]");
        assertThat(errors(inv)).anyMatch(s -> s.contains("prometheus_remote_write") && s.contains("vmetrics_enabled"));
    }
}
