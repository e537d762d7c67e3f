package io.pigsty.ha.ops;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A Patroni cluster's state at one moment: members, roles, lag, leader, pause.
 *
 * @param cluster the Patroni scope ({@code pg-test})
 * @param members every member Patroni knows, in the order it lists them
 * @param paused  true when the cluster is in maintenance mode (no automatic failover)
 */
public record ClusterStatus(String cluster, List<MemberStatus> members, boolean paused) {
    /** Canonical constructor: copies members. */
    public ClusterStatus {
        Objects.requireNonNull(cluster, "cluster");
        members = List.copyOf(members);
    }

    /** @return the leader (the primary, or the standby leader of a standby cluster), if one holds the key */
    public Optional<MemberStatus> leader() {
        return members.stream().filter(MemberStatus::isLeader).findFirst();
    }

    /** @return every member that is not the leader */
    public List<MemberStatus> replicas() {
        return members.stream().filter(m -> !m.isLeader()).collect(Collectors.toUnmodifiableList());
    }

    /** @return synchronous standbys */
    public List<MemberStatus> syncStandbys() {
        return members.stream().filter(MemberStatus::isSyncStandby).collect(Collectors.toUnmodifiableList());
    }

    /**
     * @param name instance name
     * @return that member
     */
    public Optional<MemberStatus> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** @return highest timeline reported by any member */
    public long timeline() {
        return members.stream().mapToLong(MemberStatus::timeline).max().orElse(0);
    }

    /** @return a small table: member, host, role, state, timeline, lag, pending restart */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-14s %-15s %-13s %-10s %3s %10s %s%n", "MEMBER", "HOST", "ROLE", "STATE", "TL",
                "LAG(B)", paused ? "(paused)" : ""));
        for (MemberStatus m : members) {
            sb.append(String.format("%-14s %-15s %-13s %-10s %3d %10s %s%n", m.name(), m.host(), m.role(), m.state(),
                    m.timeline(), m.lagBytes().isPresent() ? Long.toString(m.lagBytes().getAsLong()) : "-",
                    m.pendingRestart() ? "pending restart" : ""));
        }
        return sb.toString();
    }
}
