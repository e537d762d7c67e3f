package io.pigsty.api.preflight;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one host must offer before a plan changes it: derived offline from the inventory and
 * the plan's own steps.
 *
 * @param packages       Debian packages the plan installs (each must have an apt candidate)
 * @param minVersions    lowest candidate version accepted, by package (Patroni 3.0.3, ...)
 * @param ports          ports the plan binds, each with the process names that may already hold it
 * @param interfaces     network interfaces the plan names (the VIP's)
 * @param addresses      addresses the plan expects on this host (its IP, listen addresses)
 * @param vip            the cluster's VIP, when the plan manages one
 * @param dataDir        PostgreSQL data directory the plan initialises, when it does
 * @param patroniScope   the Patroni scope a data directory there must belong to
 * @param diskPath       the directory whose file system holds data, WAL and backups
 * @param minFreeDiskMb  free space wanted there
 * @param plannedMemMb   memory the plan's tuning was computed for
 * @param hostnames      node names of the plan's hosts ({@code nodename}: the instance name of a PostgreSQL
 *                       member, else as set in the inventory), each with the inventory address it names: on
 *                       this host each must be unresolved or resolve to that address (or, for this host's own
 *                       name, to loopback), and this host's hostname must not be another host's node name
 */
public record HostExpectations(List<String> packages, Map<String, String> minVersions, Map<Integer, Set<String>> ports,
                               List<String> interfaces, List<String> addresses, Optional<String> vip,
                               Optional<String> dataDir, Optional<String> patroniScope, String diskPath,
                               long minFreeDiskMb, long plannedMemMb, Map<String, String> hostnames) {
    /** Canonical constructor: copies collections. */
    public HostExpectations {
        hostnames = Map.copyOf(hostnames);
        packages = List.copyOf(packages);
        minVersions = Map.copyOf(minVersions);
        ports = Map.copyOf(ports);
        interfaces = List.copyOf(interfaces);
        addresses = List.copyOf(addresses);
    }

    /**
     * Expectations without node names (no hostname check).
     *
     * @param packages      see the record
     * @param minVersions   see the record
     * @param ports         see the record
     * @param interfaces    see the record
     * @param addresses     see the record
     * @param vip           see the record
     * @param dataDir       see the record
     * @param patroniScope  see the record
     * @param diskPath      see the record
     * @param minFreeDiskMb see the record
     * @param plannedMemMb  see the record
     */
    public HostExpectations(List<String> packages, Map<String, String> minVersions, Map<Integer, Set<String>> ports,
                            List<String> interfaces, List<String> addresses, Optional<String> vip, Optional<String> dataDir,
                            Optional<String> patroniScope, String diskPath, long minFreeDiskMb, long plannedMemMb) {
        this(packages, minVersions, ports, interfaces, addresses, vip, dataDir, patroniScope, diskPath, minFreeDiskMb,
                plannedMemMb, Map.of());
    }
}
