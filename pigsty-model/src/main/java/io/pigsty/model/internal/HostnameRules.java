package io.pigsty.model.internal;

import io.pigsty.model.Inventory;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Severity;
import io.pigsty.model.Vars;
import io.pigsty.model.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Rules of node names (issue 16): {@code nodename} is a host's identity (Patroni's member name, the
 * {@code ins} label of its metrics, and the hostname Pigsty gives the node). A member's node name is
 * its instance name ({@code pg-test-1}) unless set; other nodes have one only where it is set. Each
 * name must be a valid host name, one host has one name, one name names one host. The preflight then
 * checks on the hosts that these names resolve as the inventory says. Called once by {@link Validator}.
 */
public final class HostnameRules {
    private static final Pattern LABEL = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private HostnameRules() {
    }

    private record Named(String name, String ip, String path) {
    }

    /**
     * @param inv the inventory
     * @param out where findings go
     */
    public static void check(Inventory inv, List<Violation> out) {
        List<Named> names = new ArrayList<>();
        for (PgCluster c : inv.clusters()) {
            String base = "all.children." + c.name();
            for (PgInstance i : c.instances()) {
                String path = where(inv, base + ".hosts." + i.ip(), i.vars(), base, c.vars());
                name(() -> inv.resolve(c, i).find(Params.NODENAME)).ifPresent(n -> names.add(new Named(n, i.ip(), path)));
            }
        }
        List<NodeGroup> groups = inv.allNodeGroups();
        for (NodeGroup g : groups) {
            String base = "all.children." + g.name();
            for (Node n : g.nodes()) {
                String path = where(inv, base + ".hosts." + n.ip(), n.vars(), base, g.vars());
                name(() -> inv.resolveNode(g, n).find(Params.NODENAME)).ifPresent(x -> names.add(new Named(x, n.ip(), path)));
            }
        }
        Map<String, Named> byIp = new LinkedHashMap<>();
        Map<String, Named> byName = new LinkedHashMap<>();
        for (Named n : names) {
            // an instance name is checked by the cluster name rule; a bad one would only repeat it here
            boolean explicit = n.path().endsWith(Params.NODENAME.name());
            if (!explicit && !valid(n.name())) {
                continue;
            }
            if (!valid(n.name())) {
                out.add(new Violation(n.path(), "'" + n.name() + "' is not a host name (labels of letters, digits and '-', "
                        + "at most 63 characters each, separated by dots)", Severity.ERROR));
                continue;
            }
            Named sameIp = byIp.putIfAbsent(n.ip(), n);
            if (sameIp != null && !sameIp.name().equalsIgnoreCase(n.name())) {
                // a member's instance name wins over a nodename set on the host in another group (node_id_from_pg)
                boolean computed = !sameIp.path().endsWith(Params.NODENAME.name());
                out.add(new Violation(n.path(), "host " + n.ip() + " is named '" + n.name() + "' here but '" + sameIp.name()
                        + "' at " + sameIp.path() + (computed ? " (its instance name, which wins): this nodename is not used"
                        : ": one host has one nodename"), computed ? Severity.WARNING : Severity.ERROR));
                continue;
            }
            Named sameName = byName.putIfAbsent(n.name().toLowerCase(java.util.Locale.ROOT), n);
            // two instance names alike are a duplicate pg_seq, reported by its own rule
            if (sameName != null && !sameName.ip().equals(n.ip())
                    && (explicit || sameName.path().endsWith(Params.NODENAME.name()))) {
                out.add(new Violation(n.path(), "nodename '" + n.name() + "' of " + n.ip() + " also names " + sameName.ip()
                        + " (" + sameName.path() + "): one name names one host", Severity.ERROR));
            }
        }
    }

    // where the name of this host comes from: the level that sets nodename, else the host (a member's instance name)
    private static String where(Inventory inv, String host, Vars hostVars, String group, Vars groupVars) {
        String key = Params.NODENAME.name();
        if (hostVars.has(key)) {
            return host + "." + key;
        }
        if (groupVars.has(key)) {
            return group + ".vars." + key;
        }
        return inv.vars().has(key) ? "all.vars." + key : host;
    }

    // a nodename of the wrong type is reported by the type check
    private static Optional<String> name(java.util.function.Supplier<Optional<String>> find) {
        try {
            return find.get();
        } catch (PigstyException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean valid(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
