package io.pigsty.ha.ops;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.facts.Facts;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plans that change a live cluster's membership, in the order they must be applied. Each
 * plan is an ordinary {@link Plan}: render it, check it, apply it.
 *
 * <ul>
 *   <li>Scale-out: the inventory gains an instance; node preparation of the cluster's nodes, then
 *       {@code pgsql} on the cluster: the new member clones from the leader, and every member's
 *       HBA rules and HAProxy services are re-rendered to include it.</li>
 *   <li>Scale-in: {@code pgsql-rm} of that one member (refused while it is the primary), then
 *       {@code pgsql-svc} and {@code pgsql-hba} on the inventory without it.</li>
 * </ul>
 *
 * On real hosts, plan with the hosts' facts ({@code pigsty.gatherFacts(executor)}): a plan built
 * from offline facts is refused by {@code apply} where the gathered ones would change it. The
 * plans are built together, so when one of them changes what a later one depends on (packages
 * installed by node preparation), the later one refuses too: plan it again then.
 *
 * <p>After a switchover or failover the inventory's {@code pg_role} no longer says who leads;
 * {@link #withLiveRoles(Inventory, ClusterStatus)} brings it in line before planning.
 */
public final class ScalePlans {
    private ScalePlans() {
    }

    /**
     * @param after   the facade over the inventory that already holds the new instance(s)
     * @param cluster cluster name
     * @return node preparation of the cluster, then {@code pgsql} of the cluster, with offline facts
     */
    public static List<Plan> scaleOut(Pigsty after, String cluster) {
        return scaleOut(after, cluster, after.offlineFacts());
    }

    /**
     * @param after   the facade over the inventory that already holds the new instance(s)
     * @param cluster cluster name
     * @param facts   facts of its hosts, new ones included ({@code after.gatherFacts(executor)})
     * @return node preparation of the cluster, then {@code pgsql} of the cluster
     */
    public static List<Plan> scaleOut(Pigsty after, String cluster, Facts facts) {
        after.inventory().requireCluster(cluster);
        return List.of(after.plan(Playbook.node(cluster), facts), after.plan(Playbook.pgsqlCreate(cluster), facts));
    }

    /**
     * @param before   the facade over the inventory that still holds the member
     * @param cluster  cluster name
     * @param instance the member's address or name ({@code pg-test-3})
     * @return removal of the member, then services and HBA rules of the remaining members
     * @throws PigstyException when the member is unknown, or is the inventory's primary, or the last member
     */
    public static List<Plan> scaleIn(Pigsty before, String cluster, String instance) {
        return scaleIn(before, cluster, instance, before.offlineFacts());
    }

    /**
     * @param before   the facade over the inventory that still holds the member
     * @param cluster  cluster name
     * @param instance the member's address or name ({@code pg-test-3})
     * @param facts    facts of the cluster's hosts, the leaving one included ({@code before.gatherFacts(executor)})
     * @return removal of the member, then services and HBA rules of the remaining members
     * @throws PigstyException when the member is unknown, or is the inventory's primary, or the last member
     */
    public static List<Plan> scaleIn(Pigsty before, String cluster, String instance, Facts facts) {
        Inventory inv = before.inventory();
        PgCluster c = inv.requireCluster(cluster);
        PgInstance gone = find(c, instance);
        if (c.instances().size() == 1) {
            throw new PigstyException("scale-in: " + instance + " is the last member of " + cluster + "; use pgsql-rm");
        }
        if (gone.role() == Role.PRIMARY) {
            throw new PigstyException("scale-in: " + instance + " is the primary of " + cluster + " in the inventory;"
                    + " switch over, then plan with ScalePlans.withLiveRoles(inventory, status)");
        }
        Pigsty after = before.withInventory(withoutInstance(inv, cluster, instance));
        return List.of(before.plan(Playbook.pgsqlRemoveInstance(cluster, gone.ip()), facts),
                after.plan(Playbook.pgsqlSvc(cluster), facts), after.plan(Playbook.pgsqlHba(cluster), facts));
    }

    /**
     * @param inv      an inventory
     * @param cluster  cluster name
     * @param instance address or name of a member
     * @return the inventory without that member
     */
    public static Inventory withoutInstance(Inventory inv, String cluster, String instance) {
        PgCluster c = inv.requireCluster(cluster);
        PgInstance gone = find(c, instance);
        List<PgInstance> rest = new ArrayList<>(c.instances());
        rest.remove(gone);
        return inv.withCluster(new PgCluster(c.name(), c.vars(), rest));
    }

    /**
     * @param inv    an inventory
     * @param status the cluster as Patroni reports it now
     * @return the inventory with {@code pg_role} primary on the current leader and replica on the
     *         members that were primary before; other roles (offline) are kept
     */
    public static Inventory withLiveRoles(Inventory inv, ClusterStatus status) {
        PgCluster c = inv.requireCluster(status.cluster());
        Optional<MemberStatus> leader = status.leader();
        if (leader.isEmpty()) {
            throw new PigstyException(status.cluster() + " has no leader: nothing to align the inventory with");
        }
        List<PgInstance> out = new ArrayList<>();
        for (PgInstance i : c.instances()) {
            boolean leads = Names.instance(c.name(), i.seq()).equals(leader.get().name());
            Role role = leads ? Role.PRIMARY : i.role() == Role.PRIMARY ? Role.REPLICA : i.role();
            out.add(new PgInstance(i.seq(), i.ip(), role, i.vars()));
        }
        return inv.withCluster(new PgCluster(c.name(), c.vars(), out));
    }

    private static PgInstance find(PgCluster c, String instance) {
        return c.instances().stream().filter(i -> i.ip().equals(instance) || Names.instance(c.name(), i.seq()).equals(instance))
                .findFirst().orElseThrow(() -> new PigstyException("pgsql-rm: " + instance + " is not a member of " + c.name()));
    }
}
