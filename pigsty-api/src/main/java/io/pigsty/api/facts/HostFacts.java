package io.pigsty.api.facts;

import io.pigsty.model.DebianRelease;
import io.pigsty.model.Params;
import io.pigsty.model.Resolved;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a host is: OS, size, installed packages, running services. Gathered by
 * {@link FactsGatherer} before check/apply; taken from the inventory (or documented defaults)
 * when rendering offline.
 *
 * @param os              OS id ({@code debian})
 * @param osVersion       OS version ({@code 12})
 * @param cpuCount        CPUs
 * @param memoryMb        memory, MB
 * @param diskGb          size of the data filesystem, GB
 * @param packages        installed Debian packages, name to version
 * @param runningServices systemd units that are running
 * @param offline         true when these facts come from the inventory, not the host
 * @param addresses       IPv4 address to the network interface holding it (empty offline)
 */
public record HostFacts(String os, String osVersion, int cpuCount, long memoryMb, long diskGb,
                        Map<String, String> packages, Set<String> runningServices, boolean offline,
                        Map<String, String> addresses) {
    /** Canonical constructor: copies collections into sorted, unmodifiable ones. */
    public HostFacts {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(osVersion, "osVersion");
        packages = java.util.Collections.unmodifiableMap(new TreeMap<>(packages));
        runningServices = java.util.Collections.unmodifiableSet(new TreeSet<>(runningServices));
        addresses = java.util.Collections.unmodifiableMap(new TreeMap<>(addresses));
    }

    /**
     * Facts without interface addresses (the form before addresses were gathered).
     *
     * @param os              OS id
     * @param osVersion       OS version
     * @param cpuCount        CPUs
     * @param memoryMb        memory, MB
     * @param diskGb          data filesystem size, GB
     * @param packages        installed packages
     * @param runningServices running units
     * @param offline         from the inventory
     */
    public HostFacts(String os, String osVersion, int cpuCount, long memoryMb, long diskGb,
                     Map<String, String> packages, Set<String> runningServices, boolean offline) {
        this(os, osVersion, cpuCount, memoryMb, diskGb, packages, runningServices, offline, Map.of());
    }

    /**
     * @param ip an IPv4 address of the host
     * @return the interface that holds it ({@code pg_vip_interface: auto}), empty when unknown
     */
    public Optional<String> interfaceOf(String ip) {
        return Optional.ofNullable(addresses.get(ip));
    }

    /** @return the supported Debian release this host runs, empty for any other OS */
    public Optional<DebianRelease> release() {
        return DebianRelease.fromOsRelease(os, osVersion);
    }

    /**
     * Facts for offline rendering: {@code node_cpu}, {@code node_mem_mb}, {@code node_disk_gb}
     * from the inventory, else 4 CPUs, 8192 MB, 100 GB; the OS of {@code node_os}, else Debian 12;
     * nothing known installed.
     *
     * @param vars effective vars of the host
     * @return offline facts
     */
    public static HostFacts offline(Resolved vars) {
        String osVersion = vars.find(Params.NODE_OS).flatMap(DebianRelease::parse).map(DebianRelease::versionId).orElse("12");
        return new HostFacts("debian", osVersion, vars.get(Params.NODE_CPU), vars.get(Params.NODE_MEM_MB),
                vars.get(Params.NODE_DISK_GB), Map.of(), Set.of(), true);
    }

    /**
     * @param name Debian package
     * @return its installed version
     */
    public Optional<String> packageVersion(String name) {
        return Optional.ofNullable(packages.get(name));
    }

    /**
     * @param other facts to compare with (usually offline vs gathered)
     * @return human lines for the sizing facts that differ, empty when equal
     */
    public java.util.List<String> sizingDifferences(HostFacts other) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (cpuCount != other.cpuCount) {
            out.add("cpu " + cpuCount + " -> " + other.cpuCount);
        }
        if (memoryMb != other.memoryMb) {
            out.add("memory " + memoryMb + " MB -> " + other.memoryMb + " MB");
        }
        if (diskGb != other.diskGb) {
            out.add("disk " + diskGb + " GB -> " + other.diskGb + " GB");
        }
        return out;
    }

    /**
     * Everything but {@link #offline()}: OS, sizes, packages (added, removed, other version) and
     * running services.
     *
     * @param other facts to compare with (usually the plan's vs gathered)
     * @return human lines for what differs, empty when the host is the same
     */
    public java.util.List<String> differences(HostFacts other) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (!os.equals(other.os) || !osVersion.equals(other.osVersion)) {
            out.add("os " + os + " " + osVersion + " -> " + other.os + " " + other.osVersion);
        }
        out.addAll(sizingDifferences(other));
        java.util.List<String> pkgs = new java.util.ArrayList<>();
        packages.forEach((p, v) -> {
            String o = other.packages.get(p);
            if (o == null) {
                pkgs.add("-" + p);
            } else if (!o.equals(v)) {
                pkgs.add(p + " " + v + " -> " + o);
            }
        });
        other.packages.keySet().stream().filter(p -> !packages.containsKey(p)).forEach(p -> pkgs.add("+" + p));
        if (!pkgs.isEmpty()) {
            out.add("packages " + summary(pkgs));
        }
        java.util.List<String> svcs = new java.util.ArrayList<>();
        runningServices.stream().filter(x -> !other.runningServices.contains(x)).forEach(x -> svcs.add("-" + x));
        other.runningServices.stream().filter(x -> !runningServices.contains(x)).forEach(x -> svcs.add("+" + x));
        if (!svcs.isEmpty()) {
            out.add("running services " + summary(svcs));
        }
        return out;
    }

    private static String summary(java.util.List<String> items) {
        // a freshly prepared host differs from offline facts by hundreds of packages: name a few
        int show = 8;
        return String.join(", ", items.subList(0, Math.min(show, items.size())))
                + (items.size() > show ? " and " + (items.size() - show) + " more" : "");
    }
}
