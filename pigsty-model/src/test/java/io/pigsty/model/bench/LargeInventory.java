package io.pigsty.model.bench;

/** Generates a large valid inventory for scale checks: N clusters x 3 instances with users and databases. */
public final class LargeInventory {
    private LargeInventory() {
    }

    /**
     * @param clusters number of clusters (at most 65,000: addresses are 10.x.y.1-3)
     * @return inventory YAML
     */
    public static String yaml(int clusters) {
        StringBuilder sb = new StringBuilder(clusters * 600);
        sb.append("all:\n  children:\n    etcd:\n      hosts:\n        10.0.0.1: { etcd_seq: 1 }\n");
        for (int c = 0; c < clusters; c++) {
            String net = "10." + (1 + c / 250) + "." + (c % 250);
            sb.append("    pg-c").append(c).append(":\n      hosts:\n");
            sb.append("        ").append(net).append(".1: { pg_seq: 1, pg_role: primary }\n");
            sb.append("        ").append(net).append(".2: { pg_seq: 2, pg_role: replica }\n");
            sb.append("        ").append(net).append(".3: { pg_seq: 3, pg_role: replica, pg_offline_query: true }\n");
            sb.append("      vars:\n        pg_cluster: pg-c").append(c).append('\n');
            sb.append("        pg_etcd_password: Bench.Etcd").append(c).append('\n');
            sb.append("        pg_users: [ { name: app").append(c).append(", password: pw").append(c)
                    .append(", pgbouncer: true, roles: [dbrole_readwrite] } ]\n");
            sb.append("        pg_databases: [ { name: db").append(c).append(", owner: app").append(c)
                    .append(", extensions: [pg_stat_statements] } ]\n");
        }
        sb.append("  vars:\n    pg_admin_password: Bench.Admin1\n    pg_monitor_password: Bench.Mon1\n")
                .append("    pg_replication_password: Bench.Repl1\n    patroni_password: Bench.Api1\n")
                .append("    haproxy_admin_password: Bench.Ha1\n    etcd_root_password: Bench.EtcdRoot1\n");
        return sb.toString();
    }
}
