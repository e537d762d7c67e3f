package io.pigsty.model;

/** Every derived name, computed in this one place. */
public final class Names {
    private Names() {
    }

    /**
     * @param cluster cluster name
     * @param seq     instance seq
     * @return {@code pg-test-1}
     */
    public static String instance(String cluster, int seq) {
        return cluster + "-" + seq;
    }

    /**
     * @param cluster cluster name
     * @param service service short name
     * @return {@code pg-test-primary}
     */
    public static String service(String cluster, String service) {
        return cluster + "-" + service;
    }

    /**
     * @param cluster cluster name
     * @param role    role
     * @return {@code pg-test-replica}: Pigsty's {@code pg_service} of an instance
     */
    public static String roleService(String cluster, Role role) {
        return cluster + "-" + role.value();
    }

    /**
     * @param cluster cluster name
     * @param service service short name
     * @return {@code /etc/haproxy/conf.d/pg-test-primary.cfg} (a directory of its own, loaded after haproxy.cfg, so the global and defaults sections always come first)
     */
    public static String haproxyServiceFile(String cluster, String service) {
        return "/etc/haproxy/conf.d/" + service(cluster, service) + ".cfg";
    }

    /**
     * @param etcdSeq etcd member seq
     * @return {@code etcd-1}
     */
    public static String etcdMember(int etcdSeq) {
        return "etcd-" + etcdSeq;
    }

    /**
     * @param namespace Patroni namespace ({@code /pg})
     * @param cluster   cluster name
     * @return {@code /pg/pg-test/leader}
     */
    public static String leaderKey(String namespace, String cluster) {
        String ns = namespace.endsWith("/") ? namespace : namespace + "/";
        return ns + cluster + "/leader";
    }

    /**
     * The keys of one cluster in the DCS: Patroni's {@code <namespace>/<scope>/}, which the
     * cluster's etcd role may read and write.
     *
     * @param namespace Patroni namespace ({@code /pg}, with or without a trailing slash)
     * @param cluster   cluster name
     * @return {@code /pg/pg-test/}
     */
    public static String dcsPrefix(String namespace, String cluster) {
        return namespace.replaceAll("/+$", "") + "/" + cluster + "/";
    }
}
