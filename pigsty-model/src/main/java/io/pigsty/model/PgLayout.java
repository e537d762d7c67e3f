package io.pigsty.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where PostgreSQL lives on a node and what is derived from {@code pg_version}, each in one
 * function: the Debian home {@code /usr/lib/postgresql/<v>}, the binary directory, Pigsty's
 * {@code pg_bin_dir} link, the cluster's data directory, the server packages and the listen
 * addresses of {@code pg_listen} with its placeholders.
 */
public final class PgLayout {
    private PgLayout() {
    }

    /**
     * @param major PostgreSQL major version
     * @return Debian's installation directory, {@code /usr/lib/postgresql/17}
     */
    public static String home(int major) {
        return "/usr/lib/postgresql/" + major;
    }

    /**
     * @param major PostgreSQL major version
     * @return Debian's binary directory, {@code /usr/lib/postgresql/17/bin}: the default {@code pg_bin_dir}
     */
    public static String defaultBinDir(int major) {
        return home(major) + "/bin";
    }

    /**
     * Pigsty's {@code pg_bin_dir} (its default {@code /usr/pgsql/bin}) names a link: the parent
     * directory is a symbolic link to the version's home, so configs and PATH name a path that does
     * not change with the version.
     *
     * @param pgBinDir {@code pg_bin_dir}
     * @param major    PostgreSQL major version
     * @return the link to create, as (link path, target), empty when pg_bin_dir is the real directory
     */
    public static Optional<String[]> binLink(String pgBinDir, int major) {
        String dir = pgBinDir.replaceAll("/+$", "");
        if (dir.equals(defaultBinDir(major)) || !dir.endsWith("/bin") || dir.equals("/bin")) {
            return Optional.empty();
        }
        return Optional.of(new String[] {dir.substring(0, dir.length() - "/bin".length()), home(major)});
    }

    /**
     * @param nodeData {@code node_data} ({@code /data})
     * @param cluster  cluster name
     * @param major    PostgreSQL major version
     * @return the cluster's directory, {@code /data/postgres/pg-test-17}, that {@code /pg} points at
     */
    public static String clusterDir(String nodeData, String cluster, int major) {
        return nodeData + "/postgres/" + cluster + "-" + major;
    }

    /**
     * @param major PostgreSQL major version
     * @return the Debian packages of the server itself (contrib ships inside {@code postgresql-<v>})
     */
    public static List<String> serverPackages(int major) {
        return List.of("postgresql-" + major, "postgresql-client-" + major);
    }

    /**
     * Pigsty's {@code pg_listen} with its placeholders replaced: {@code ${ip}} (and {@code ${lan}},
     * the node's LAN address, the same here) the node's IP, {@code ${lo}} 127.0.0.1, {@code ${vip}}
     * the VIP's address when the VIP is enabled (dropped otherwise, where Pigsty would leave the
     * text in place and break PostgreSQL's start).
     *
     * @param pgListen   {@code pg_listen}
     * @param ip         the node's IP
     * @param vipEnabled {@code pg_vip_enabled}
     * @param vipAddress {@code pg_vip_address}, {@code 10.10.10.3/24}
     * @return the comma separated addresses, {@code 0.0.0.0} or {@code *} kept as written
     */
    public static String listen(String pgListen, String ip, boolean vipEnabled, String vipAddress) {
        List<String> out = new ArrayList<>();
        for (String part : pgListen.split(",")) {
            String a = part.strip();
            if (a.isEmpty()) {
                continue;
            }
            if (a.equals("${vip}")) {
                if (!vipEnabled) {
                    continue;
                }
                a = vipAddress.contains("/") ? vipAddress.substring(0, vipAddress.indexOf('/')) : vipAddress;
            }
            a = a.replace("${ip}", ip).replace("${lan}", ip).replace("${lo}", "127.0.0.1");
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out.isEmpty() ? ip : String.join(",", out);
    }

    /**
     * @param r  effective vars of an instance
     * @param ip its address
     * @return {@link #listen(String, String, boolean, String)} for those vars
     */
    public static String listen(Resolved r, String ip) {
        return listen(r.get(Params.PG_LISTEN), ip, r.get(Params.PG_VIP_ENABLED), r.get(Params.PG_VIP_ADDRESS));
    }
}
