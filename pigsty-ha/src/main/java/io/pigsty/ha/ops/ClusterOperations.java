package io.pigsty.ha.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Day-2 operations on one running cluster, through Patroni's REST API: status, switchover,
 * failover, restart, reload, pause and resume, dynamic configuration, reinitialisation of a
 * replica. Every call checks its preconditions first (refusing with the reasons), then waits for
 * the operation's documented end state within a timeout and returns what it saw.
 *
 * <pre>{@code
 * ClusterOperations ops = ClusterOperations.builder(inventory, "pg-test").build();
 * OperationResult r = ops.switchover(Optional.of("pg-test-2"));
 * System.out.println(r.summary());
 * }</pre>
 *
 * <p>Members are named as Patroni names them: {@code <cluster>-<seq>}. Thread-safe.
 */
public final class ClusterOperations {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterOperations.class);

    private final String cluster;
    private final Map<String, String> apiByMember;
    private final PatroniClient client;
    private final Duration timeout;
    private final Duration poll;
    private final long rpoBytes;

    private ClusterOperations(Builder b) {
        PgCluster c = b.inventory.requireCluster(b.cluster);
        Resolved r = b.inventory.resolve(c);
        this.cluster = c.name();
        Map<String, String> apis = new LinkedHashMap<>();
        for (PgInstance i : c.instances()) {
            apis.put(Names.instance(c.name(), i.seq()), io.pigsty.ha.internal.HaSupport.patroniUrl(b.inventory, c, i));
        }
        this.apiByMember = java.util.Collections.unmodifiableMap(apis); // inventory order: the first answering member wins
        if (b.client == null && b.caPem == null && apis.values().stream().anyMatch(u -> u.startsWith("https:"))) {
            // the JVM's trust store does not hold the deployment's CA: every call would fail on the
            // handshake, so the missing setting is named here instead
            throw new io.pigsty.model.InvalidValueException(Params.PATRONI_SSL_ENABLED.name() + " of " + c.name(),
                    "true", "the REST API speaks HTTPS with certificates of the deployment's CA: give ClusterOperations.Builder"
                    + ".caCertificates(pem) (the CLI: --pki DIR) or a client(...) that trusts it");
        }
        PatroniClient.Builder pb = PatroniClient.builder()
                .credentials(r.get(Params.PATRONI_USERNAME), r.get(Params.PATRONI_PASSWORD))
                .timeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(2));
        if (b.caPem != null) {
            pb.caCertificates(b.caPem);
        }
        this.client = b.client != null ? b.client : pb.build();
        this.timeout = b.timeout;
        this.poll = b.poll;
        this.rpoBytes = r.get(Params.PG_RPO);
    }

    /**
     * @param inventory the inventory that describes the cluster (addresses, Patroni port and credentials)
     * @param cluster   cluster name
     * @return a builder
     */
    public static Builder builder(Inventory inventory, String cluster) {
        return new Builder(inventory, cluster);
    }

    /** @return the cluster's name */
    public String cluster() {
        return cluster;
    }

    /** @return the cluster as the first answering member sees it */
    public ClusterStatus status() {
        return client.cluster(new ArrayList<>(apiByMember.values()));
    }

    /**
     * Planned switchover to the best candidate (Patroni's choice among healthy replicas).
     *
     * @return what happened
     * @throws OperationRefusedException when there is no leader or no healthy candidate
     */
    public OperationResult switchover() {
        return switchover(Optional.empty());
    }

    /**
     * Planned switchover: the leader hands over to {@code candidate} (or Patroni's choice), the old
     * leader rejoins as a replica. Returns once the new leader runs and the old one streams.
     *
     * @param candidate member name ({@code pg-test-2}), empty to let Patroni choose
     * @return what happened
     * @throws OperationRefusedException when there is no leader, the candidate is unknown, unhealthy,
     *                                   not a synchronous standby in synchronous mode, or lags more than {@code pg_rpo}
     */
    public OperationResult switchover(Optional<String> candidate) {
        ClusterStatus before = status();
        String op = "switchover " + cluster + candidate.map(c -> " -> " + c).orElse("");
        MemberStatus leader = before.leader().orElseThrow(() -> new OperationRefusedException(op,
                List.of("no leader: the cluster is without a primary, use failover(candidate)")));
        List<MemberStatus> eligible = eligible(op, before, candidate, leader.name());
        LOG.info("{}: leader {}, eligible {}", op, leader.name(), eligible.stream().map(MemberStatus::name).toList());
        long t0 = System.nanoTime();
        List<String> seen = new ArrayList<>();
        accepted(seen, t0, () -> client.switchover(api(leader.name()), leader.name(), candidate, Optional.empty()));
        return awaitNewLeader(op, before, leader.name(), candidate, t0, seen);
    }

    /**
     * Schedules a switchover; Patroni performs it at {@code at}. Returns once Patroni accepted it.
     *
     * @param candidate member name, empty to let Patroni choose
     * @param at        when
     * @return what was seen (the cluster is unchanged until {@code at})
     */
    public OperationResult scheduleSwitchover(Optional<String> candidate, OffsetDateTime at) {
        ClusterStatus before = status();
        String op = "switchover " + cluster + candidate.map(c -> " -> " + c).orElse("") + " at " + at;
        MemberStatus leader = before.leader().orElseThrow(() -> new OperationRefusedException(op, List.of("no leader")));
        eligible(op, before, candidate, leader.name());
        long t0 = System.nanoTime();
        String answer = client.switchover(api(leader.name()), leader.name(), candidate, Optional.of(at.toString()));
        return new OperationResult(op, before, status(), Duration.ofNanos(System.nanoTime() - t0),
                List.of("patroni: " + answer.strip()));
    }

    /**
     * Manual failover to {@code candidate}: works without a healthy leader. Returns once the
     * candidate runs as the leader.
     *
     * @param candidate member name
     * @return what happened
     * @throws OperationRefusedException when the candidate is unknown, down, or lags more than {@code pg_rpo}
     */
    public OperationResult failover(String candidate) {
        Objects.requireNonNull(candidate, "candidate");
        ClusterStatus before = status();
        String op = "failover " + cluster + " -> " + candidate;
        String old = before.leader().map(MemberStatus::name).orElse("");
        eligible(op, before, Optional.of(candidate), old);
        long t0 = System.nanoTime();
        List<String> seen = new ArrayList<>();
        accepted(seen, t0, () -> client.failover(api(candidate), candidate));
        return awaitNewLeader(op, before, old, Optional.of(candidate), t0, seen);
    }

    /**
     * Restarts PostgreSQL on one member; returns once it runs again with a new postmaster.
     *
     * @param member member name
     * @return what happened
     */
    public OperationResult restart(String member) {
        ClusterStatus before = status();
        String op = "restart " + member;
        requireMember(op, before, member);
        List<String> seen = new ArrayList<>();
        long t0 = System.nanoTime();
        restartOne(member, seen, t0);
        return new OperationResult(op, before, status(), Duration.ofNanos(System.nanoTime() - t0), seen);
    }

    /**
     * Restarts PostgreSQL on every member. Rolling: replicas one at a time (each must stream again
     * before the next), the leader last. Not rolling: every member at once.
     *
     * @param rolling one member at a time
     * @return what happened
     */
    public OperationResult restartCluster(boolean rolling) {
        ClusterStatus before = status();
        String op = (rolling ? "rolling restart " : "restart ") + cluster;
        List<String> seen = new ArrayList<>();
        long t0 = System.nanoTime();
        List<MemberStatus> order = new ArrayList<>(before.replicas());
        before.leader().ifPresent(order::add);
        if (rolling) {
            for (MemberStatus m : order) {
                restartOne(m.name(), seen, t0);
            }
        } else {
            Map<String, String> started = new LinkedHashMap<>();
            for (MemberStatus m : order) {
                started.put(m.name(), startTime(m.name()));
                client.restart(api(m.name()));
            }
            for (MemberStatus m : order) {
                awaitRestarted(m.name(), started.get(m.name()), seen, t0);
            }
        }
        return new OperationResult(op, before, status(), Duration.ofNanos(System.nanoTime() - t0), seen);
    }

    /**
     * Makes every member re-read its configuration (no restart).
     *
     * @return what happened; observations name members left with {@code pending_restart}
     */
    public OperationResult reload() {
        ClusterStatus before = status();
        long t0 = System.nanoTime();
        List<String> seen = new ArrayList<>();
        for (MemberStatus m : before.members()) {
            if (m.isHealthy()) {
                client.reload(api(m.name()));
                seen.add(at(t0) + m.name() + " reloaded");
            }
        }
        ClusterStatus after = status();
        after.members().stream().filter(MemberStatus::pendingRestart)
                .forEach(m -> seen.add(at(t0) + m.name() + " pending restart"));
        return new OperationResult("reload " + cluster, before, after, Duration.ofNanos(System.nanoTime() - t0), seen);
    }

    /**
     * Maintenance mode: Patroni stops automatic failover until {@link #resume()}.
     *
     * @return what happened
     */
    public OperationResult pause() {
        return setPaused(true);
    }

    /**
     * Ends maintenance mode.
     *
     * @return what happened
     */
    public OperationResult resume() {
        return setPaused(false);
    }

    private OperationResult setPaused(boolean paused) {
        ClusterStatus before = status();
        String op = (paused ? "pause " : "resume ") + cluster;
        long t0 = System.nanoTime();
        client.setPaused(anyApi(before), paused);
        List<String> seen = new ArrayList<>();
        ClusterStatus after = await(op, "paused=" + paused, s -> s.paused() == paused, seen, t0);
        return new OperationResult(op, before, after, Duration.ofNanos(System.nanoTime() - t0), seen);
    }

    /**
     * Applies a change to the dynamic configuration and waits until every running member serves it.
     * Parameters PostgreSQL can take with a reload are live at once; the others leave members
     * {@code pending_restart}, which the observations name.
     *
     * @param change the change, e.g. {@code DcsChange.rto(RtoMode.FAST)}
     * @return what happened
     */
    public OperationResult patchConfig(DcsChange change) {
        ClusterStatus before = status();
        String op = "patch config " + cluster + " " + change;
        long t0 = System.nanoTime();
        List<String> seen = new ArrayList<>();
        String any = anyApi(before);
        client.patchConfigJson(any, change.json());
        seen.add(at(t0) + "patched through " + any);
        for (MemberStatus m : before.members()) {
            if (!m.isHealthy()) {
                continue;
            }
            awaitTrue(op, m.name() + " serves the new config", () -> change.appliedIn(client.configJson(api(m.name()))), seen, t0);
        }
        // members apply DCS parameters in their next HA loop; one loop_wait lets pending_restart show
        int loopWait = client.configJson(any).path("loop_wait").asInt(10);
        sleep(Duration.ofSeconds(loopWait + 1));
        ClusterStatus after = status();
        after.members().stream().filter(MemberStatus::pendingRestart)
                .forEach(m -> seen.add(at(t0) + m.name() + " pending restart"));
        return new OperationResult(op, before, after, Duration.ofNanos(System.nanoTime() - t0), seen);
    }

    /**
     * @param changed the inventory after a {@code pg_rto}/{@code pg_rpo} change of this cluster
     * @return the DCS change that brings the running cluster to it (Patroni's half; HAProxy's timings
     *         follow from the {@code pgsql-svc} playbook on the same inventory)
     */
    public static DcsChange rtoRpoChange(Inventory changed, String cluster) {
        Resolved r = changed.resolve(changed.requireCluster(cluster));
        return DcsChange.rto(r.get(Params.PG_RTO)).and(DcsChange.rpo(r.get(Params.PG_RPO), r.get(Params.PG_CONF)));
    }

    /**
     * @return the dynamic configuration as the cluster serves it, as an unmodifiable map
     *         ({@code ttl}, {@code synchronous_mode}, {@code postgresql.parameters}, ...)
     */
    public Map<String, Object> config() {
        return client.config(anyApi(status()));
    }

    /**
     * Rebuilds a replica from the leader (its data directory is replaced); returns once it streams again.
     *
     * @param replica member name; never the leader
     * @return what happened
     */
    public OperationResult reinit(String replica) {
        ClusterStatus before = status();
        String op = "reinit " + replica;
        MemberStatus m = requireMember(op, before, replica);
        if (m.isLeader()) {
            throw new OperationRefusedException(op, List.of(replica + " is the leader; only a replica can be rebuilt"));
        }
        if (before.leader().isEmpty()) {
            throw new OperationRefusedException(op, List.of("no leader to clone from"));
        }
        long t0 = System.nanoTime();
        List<String> seen = new ArrayList<>();
        client.reinitialize(api(replica));
        seen.add(at(t0) + "reinitialize accepted");
        // the member goes through 'creating replica' before it streams again
        awaitTrue(op, replica + " leaves streaming", () -> !status().member(replica).map(x -> x.state().equals("streaming"))
                .orElse(false), seen, t0, Duration.ofSeconds(20), false);
        ClusterStatus after = await(op, replica + " streaming", s -> s.member(replica).map(x -> x.state().equals("streaming"))
                .orElse(false), seen, t0);
        return new OperationResult(op, before, after, Duration.ofNanos(System.nanoTime() - t0), seen);
    }

    // ---------------------------------------------------------------------------------------------

    private List<MemberStatus> eligible(String op, ClusterStatus s, Optional<String> candidate, String leader) {
        JsonNode cfg = config(s);
        boolean sync = cfg.path("synchronous_mode").asBoolean(false);
        long maxLag = cfg.path("maximum_lag_on_failover").asLong(rpoBytes);
        List<String> reasons = new ArrayList<>();
        List<MemberStatus> ok = new ArrayList<>();
        List<MemberStatus> pool = candidate.isPresent()
                ? List.of(requireMember(op, s, candidate.get())) : s.members();
        for (MemberStatus m : pool) {
            if (m.name().equals(leader)) {
                if (candidate.isPresent()) {
                    reasons.add(m.name() + " is already the leader");
                }
                continue;
            }
            String why = null;
            if (!m.isHealthy()) {
                why = m.name() + " is " + m.state();
            } else if (Boolean.TRUE.equals(m.tags().get("nofailover"))) {
                why = m.name() + " is tagged nofailover";
            } else if (sync && !m.isSyncStandby()) {
                why = m.name() + " is not a synchronous standby (pg_rpo 0: only a sync standby holds every commit)";
            } else if (m.lagBytes().isPresent() && m.lagBytes().getAsLong() > maxLag && !m.isSyncStandby()) {
                why = m.name() + " lags " + m.lagBytes().getAsLong() + " bytes, more than pg_rpo " + maxLag;
            } else if (m.lagBytes().isEmpty() && !m.isLeader()) {
                why = m.name() + " reports no replication lag (not streaming)";
            }
            if (why == null) {
                ok.add(m);
            } else {
                reasons.add(why);
            }
        }
        if (ok.isEmpty()) {
            if (reasons.isEmpty()) {
                reasons.add("no replica to take over");
            }
            throw new OperationRefusedException(op, List.of("no healthy candidate: " + String.join(", ", reasons)));
        }
        return ok;
    }

    /** The leader's API, or the first member's when there is no leader: either serves the DCS view. */
    private String anyApi(ClusterStatus s) {
        return s.leader().map(m -> api(m.name())).orElse(api(s.members().get(0).name()));
    }

    private JsonNode config(ClusterStatus s) {
        try {
            return client.configJson(anyApi(s));
        } catch (PatroniException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /**
     * Sends a request Patroni answers only once done. A refusal (4xx/5xx) is final; no answer in time
     * is not: the operation may be under way, so the caller goes on to wait for its end state.
     */
    private static void accepted(List<String> seen, long t0, java.util.function.Supplier<String> request) {
        try {
            seen.add(at(t0) + "patroni: " + request.get().strip());
        } catch (PatroniException e) {
            if (e.status().isPresent() && e.status().getAsInt() > 0) {
                throw e;
            }
            seen.add(at(t0) + "no answer yet (" + e.getMessage() + "); waiting for the end state");
        }
    }

    private OperationResult awaitNewLeader(String op, ClusterStatus before, String old, Optional<String> candidate, long t0,
                                           List<String> seen) {
        Predicate<ClusterStatus> newLeader = s -> s.leader().filter(l -> !l.name().equals(old)
                && candidate.map(c -> c.equals(l.name())).orElse(true) && l.state().equals("running")).isPresent();
        await(op, candidate.orElse("a new member") + " leads and runs", newLeader, seen, t0);
        ClusterStatus after = old.isEmpty() ? status() : await(op, old + " streams as a replica",
                s -> s.member(old).map(m -> m.state().equals("streaming")).orElse(false), seen, t0);
        return new OperationResult(op, before, after, Duration.ofNanos(System.nanoTime() - t0), seen);
    }

    private void restartOne(String member, List<String> seen, long t0) {
        String started = startTime(member);
        client.restart(api(member));
        awaitRestarted(member, started, seen, t0);
    }

    private void awaitRestarted(String member, String startedBefore, List<String> seen, long t0) {
        awaitTrue("restart " + member, member + " runs with a new postmaster", () -> {
            JsonNode j = client.memberJson(api(member));
            String st = j.path("state").asText();
            return (st.equals("running") || st.equals("streaming")) && !j.path("postmaster_start_time").asText("")
                    .equals(startedBefore);
        }, seen, t0);
        await("restart " + member, member + " healthy in the cluster view",
                s -> s.member(member).map(MemberStatus::isHealthy).orElse(false), seen, t0);
    }

    private String startTime(String member) {
        return client.memberJson(api(member)).path("postmaster_start_time").asText("");
    }

    private MemberStatus requireMember(String op, ClusterStatus s, String member) {
        return s.member(member).orElseThrow(() -> new OperationRefusedException(op, List.of(member
                + " is not a member of " + cluster + " (members: " + s.members().stream().map(MemberStatus::name).toList() + ")")));
    }

    private String api(String member) {
        String a = apiByMember.get(member);
        if (a == null) {
            throw new OperationRefusedException("operation on " + member, List.of(member + " is not in the inventory of "
                    + cluster + " (" + apiByMember.keySet() + ")"));
        }
        return a;
    }

    private ClusterStatus await(String op, String what, Predicate<ClusterStatus> done, List<String> seen, long t0) {
        ClusterStatus[] last = new ClusterStatus[1];
        awaitTrue(op, what, () -> {
            last[0] = status();
            return done.test(last[0]);
        }, seen, t0);
        return last[0];
    }

    private void awaitTrue(String op, String what, java.util.function.BooleanSupplier done, List<String> seen, long t0) {
        awaitTrue(op, what, done, seen, t0, timeout, true);
    }

    private void awaitTrue(String op, String what, java.util.function.BooleanSupplier done, List<String> seen, long t0,
                           Duration limit, boolean required) {
        long deadline = System.nanoTime() + limit.toNanos();
        String lastError = "";
        while (true) {
            try {
                if (done.getAsBoolean()) {
                    seen.add(at(t0) + what);
                    return;
                }
                lastError = "";
            } catch (PatroniException e) {
                lastError = " (last answer: " + e.getMessage() + ")"; // members restart or move: keep polling
            }
            if (System.nanoTime() > deadline) {
                if (!required) {
                    seen.add(at(t0) + "not seen: " + what);
                    return;
                }
                String state;
                try {
                    state = "\n" + status().toTable();
                } catch (PatroniException e) {
                    state = " (no member answers)";
                }
                throw new OperationTimeoutException(op + ": " + what + " not seen within " + limit.toSeconds() + " s"
                        + lastError + "; last status:" + state, seen);
            }
            sleep(poll);
        }
    }

    private static String at(long t0) {
        return "+" + (System.nanoTime() - t0) / 1_000_000 + "ms ";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationTimeoutException("interrupted", List.of());
        }
    }

    /** Builder of {@link ClusterOperations}. */
    public static final class Builder {
        private final Inventory inventory;
        private final String cluster;
        private PatroniClient client;
        private String caPem;
        private Duration timeout = Duration.ofSeconds(120);
        private Duration poll = Duration.ofMillis(250);

        private Builder(Inventory inventory, String cluster) {
            this.inventory = Objects.requireNonNull(inventory, "inventory");
            this.cluster = Objects.requireNonNull(cluster, "cluster");
        }

        /**
         * @param client a Patroni client (default: credentials from the inventory, 5 s request timeout)
         * @return this
         */
        public Builder client(PatroniClient client) {
            this.client = Objects.requireNonNull(client);
            return this;
        }

        /**
         * The deployment's CA, which the default client trusts for members serving HTTPS
         * ({@code patroni_ssl_enabled}); required for such a cluster unless a {@link #client} is given.
         *
         * @param caPem the CA certificate(s), PEM ({@code Pki.caCertificatePem()})
         * @return this
         */
        public Builder caCertificates(String caPem) {
            this.caPem = Objects.requireNonNull(caPem, "caPem");
            return this;
        }

        /**
         * @param timeout how long an operation may take to reach its end state (default 120 s)
         * @return this
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * @param poll how often the cluster is polled while waiting (default 250 ms)
         * @return this
         */
        public Builder pollInterval(Duration poll) {
            this.poll = Objects.requireNonNull(poll);
            return this;
        }

        /** @return the operations handle; the cluster must be in the inventory */
        public ClusterOperations build() {
            return new ClusterOperations(this);
        }
    }
}
