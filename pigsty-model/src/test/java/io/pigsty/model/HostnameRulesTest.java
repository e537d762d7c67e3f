package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Node names: valid host names, one per host, one host per name; every problem at once, at its path. */
class HostnameRulesTest {
    private static List<String> findings(String yaml) {
        return Inventory.parseUnvalidated(yaml, "t").validate().violations().stream()
                .filter(v -> v.path().contains("nodename") || v.reason().contains("nodename"))
                .map(v -> v.severity().name().toLowerCase() + " " + v.path() + ": " + v.reason()).toList();
    }

    @Test
    void everyClashAndBadName_atItsPath() {
        List<String> f = findings("""
                all:
                  children:
                    etcd:
                      hosts:
                        10.9.0.10: { etcd_seq: 1, nodename: meta }
                        10.9.0.11: { etcd_seq: 2, nodename: etcd-2 }
                      vars: { etcd_cluster: etcd }
                    pg-x:
                      hosts:
                        10.9.0.11: { pg_seq: 1, pg_role: primary }
                        10.9.0.12: { pg_seq: 2, pg_role: replica, nodename: meta }
                        10.9.0.13: { pg_seq: 3, pg_role: replica, nodename: bad_name }
                      vars: { pg_cluster: pg-x }
                    www:
                      hosts:
                        10.9.0.20: { nodename: pg-x-1 }
                """);
        assertThat(f).containsExactlyInAnyOrder(
                "error all.children.pg-x.hosts.10.9.0.13.nodename: 'bad_name' is not a host name (labels of letters, digits "
                        + "and '-', at most 63 characters each, separated by dots)",
                "error all.children.etcd.hosts.10.9.0.10.nodename: nodename 'meta' of 10.9.0.10 also names 10.9.0.12 "
                        + "(all.children.pg-x.hosts.10.9.0.12.nodename): one name names one host",
                "warning all.children.etcd.hosts.10.9.0.11.nodename: host 10.9.0.11 is named 'etcd-2' here but 'pg-x-1' at "
                        + "all.children.pg-x.hosts.10.9.0.11 (its instance name, which wins): this nodename is not used",
                "error all.children.www.hosts.10.9.0.20.nodename: nodename 'pg-x-1' of 10.9.0.20 also names 10.9.0.11 "
                        + "(all.children.pg-x.hosts.10.9.0.11): one name names one host");
    }

    @Test
    void aGroupWideNodename_namesEveryHostAlike_andTheSampleIsClean() {
        List<String> f = findings("""
                all:
                  children:
                    pg-x:
                      hosts:
                        10.9.0.11: { pg_seq: 1, pg_role: primary }
                        10.9.0.12: { pg_seq: 2, pg_role: replica }
                      vars: { pg_cluster: pg-x, nodename: db }
                """);
        assertThat(f).containsExactly("error all.children.pg-x.vars.nodename: nodename 'db' of 10.9.0.12 also names 10.9.0.11 "
                + "(all.children.pg-x.vars.nodename): one name names one host");
        assertThat(Inventory.sample("sandbox").validate().violations()).noneMatch(v -> v.reason().contains("nodename"));
    }
}
