package io.pigsty.ha.ops;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One member of a Patroni cluster as Patroni's {@code GET /cluster} reports it.
 *
 * @param name           instance name ({@code pg-test-1})
 * @param host           PostgreSQL host address
 * @param port           PostgreSQL port
 * @param role           Patroni's role word: {@code leader}, {@code replica}, {@code sync_standby},
 *                       {@code quorum_standby}, {@code standby_leader}
 * @param state          Patroni's state word: {@code running}, {@code streaming}, {@code stopped}, ...
 * @param timeline       timeline the member is on, 0 when unknown
 * @param lagBytes       replication lag in bytes (replicas only; empty when Patroni says unknown)
 * @param pendingRestart true when a parameter change waits for a restart
 * @param apiUrl         the member's Patroni REST URL
 * @param tags           member tags
 */
public record MemberStatus(String name, String host, int port, String role, String state, long timeline,
                           OptionalLong lagBytes, boolean pendingRestart, String apiUrl, Map<String, Object> tags) {
    /** Canonical constructor: copies tags, rejects nulls. */
    public MemberStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lagBytes, "lagBytes");
        Objects.requireNonNull(apiUrl, "apiUrl");
        tags = Map.copyOf(tags);
    }

    /** @return true for the member holding the leader key of a normal (non-standby) cluster */
    public boolean isLeader() {
        return role.equals("leader") || role.equals("standby_leader");
    }

    /** @return true for a synchronous standby */
    public boolean isSyncStandby() {
        return role.equals("sync_standby");
    }

    /** @return true when PostgreSQL is up on this member (running or streaming) */
    public boolean isHealthy() {
        return state.equals("running") || state.equals("streaming");
    }

    /** @return the base URL of this member's REST API ({@code http://ip:8008}), if known */
    public Optional<String> apiBase() {
        if (apiUrl.isEmpty()) {
            return Optional.empty();
        }
        int i = apiUrl.indexOf('/', apiUrl.indexOf("//") + 2);
        return Optional.of(i < 0 ? apiUrl : apiUrl.substring(0, i));
    }
}
