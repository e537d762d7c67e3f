package io.pigsty.api.facts;

import io.pigsty.model.Inventory;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The facts a plan is built from, by host address: a value. Either offline ones taken from the
 * inventory ({@link #offline(Inventory)}: {@code node_cpu}, {@code node_mem_mb},
 * {@code node_disk_gb}, Debian 12, nothing installed) or gathered from the hosts
 * ({@code Pigsty.gatherFacts(executor)}).
 */
public final class Facts {
    private static final Facts EMPTY = new Facts(Map.of());
    private final Map<String, HostFacts> byAddress;

    private Facts(Map<String, HostFacts> byAddress) {
        this.byAddress = Collections.unmodifiableMap(new TreeMap<>(byAddress));
    }

    /**
     * @param byAddress facts by host address
     * @return those facts
     */
    public static Facts of(Map<String, HostFacts> byAddress) {
        byAddress.forEach((a, f) -> {
            Objects.requireNonNull(a, "address");
            Objects.requireNonNull(f, "facts of " + a);
        });
        return new Facts(byAddress);
    }

    /** @return no facts at all */
    public static Facts empty() {
        return EMPTY;
    }

    /**
     * @param inv an inventory
     * @return offline facts of every host of it; a host listed in several groups takes the
     *         first: a cluster member's vars, then infra, etcd and other node groups
     */
    public static Facts offline(Inventory inv) {
        Map<String, HostFacts> out = new LinkedHashMap<>();
        for (PgCluster c : inv.clusters()) {
            for (PgInstance i : c.instances()) {
                out.computeIfAbsent(i.ip(), ip -> HostFacts.offline(inv.resolve(c, i)));
            }
        }
        List<NodeGroup> groups = inv.allNodeGroups();
        groups.forEach(g -> g.nodes().forEach(n -> out.computeIfAbsent(n.ip(), ip -> HostFacts.offline(inv.resolveNode(g, n)))));
        return new Facts(out);
    }

    /**
     * @param address host address
     * @return that host's facts
     */
    public Optional<HostFacts> host(String address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    /** @return facts by address, sorted by address */
    public Map<String, HostFacts> asMap() {
        return byAddress;
    }

    /**
     * @param addresses host addresses
     * @return these facts restricted to those hosts
     */
    public Facts only(Collection<String> addresses) {
        Map<String, HostFacts> out = new TreeMap<>();
        addresses.forEach(a -> host(a).ifPresent(f -> out.put(a, f)));
        return new Facts(out);
    }

    /**
     * @param newer facts that win over these for the hosts they cover
     * @return these facts with {@code newer} laid over them
     */
    public Facts with(Facts newer) {
        Map<String, HostFacts> out = new TreeMap<>(byAddress);
        out.putAll(newer.byAddress);
        return new Facts(out);
    }

    /**
     * @param other facts to compare with, usually gathered ones
     * @return per host of these facts that {@code other} also covers: the human lines where
     *         they differ (see {@link HostFacts#differences}); hosts that agree are left out
     */
    public Map<String, List<String>> differences(Facts other) {
        Map<String, List<String>> out = new TreeMap<>();
        byAddress.forEach((a, f) -> other.host(a).ifPresent(o -> {
            List<String> d = f.differences(o);
            if (!d.isEmpty()) {
                out.put(a, d);
            }
        }));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Facts f && byAddress.equals(f.byAddress);
    }

    @Override
    public int hashCode() {
        return byAddress.hashCode();
    }

    @Override
    public String toString() {
        return "Facts" + byAddress.keySet();
    }
}
