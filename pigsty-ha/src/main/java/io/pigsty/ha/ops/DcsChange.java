package io.pigsty.ha.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.model.PgTuning;
import io.pigsty.model.RtoMode;
import io.pigsty.model.RtoPlan;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A change to a Patroni cluster's dynamic (DCS) configuration, applied with {@code PATCH /config}
 * to the running cluster: timings of a {@code pg_rto} mode, the {@code pg_rpo} protection mode,
 * PostgreSQL parameters. Immutable; {@link #and(DcsChange)} combines changes.
 */
public final class DcsChange {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode patch;

    private DcsChange(ObjectNode patch) {
        this.patch = patch;
    }

    /**
     * @param mode the new {@code pg_rto} mode
     * @return Patroni's timings of that mode (HAProxy's half is the {@code pgsql-svc} playbook)
     */
    public static DcsChange rto(RtoMode mode) {
        RtoPlan p = mode.plan();
        ObjectNode n = JSON.createObjectNode();
        n.put("ttl", p.ttl()).put("loop_wait", p.loopWait()).put("retry_timeout", p.retryTimeout())
                .put("primary_start_timeout", p.primaryStartTimeout());
        return new DcsChange(n);
    }

    /**
     * @param rpoBytes the new {@code pg_rpo}: 0 turns on synchronous mode, anything else is the most a
     *                 replica may lag and still be promoted
     * @param tuning   the cluster's tuning template: {@code crit} keeps strict synchronous mode
     * @return the change
     */
    public static DcsChange rpo(long rpoBytes, PgTuning tuning) {
        if (rpoBytes < 0) {
            throw new io.pigsty.model.InvalidValueException("pg_rpo", String.valueOf(rpoBytes), "must be >= 0 bytes");
        }
        ObjectNode n = JSON.createObjectNode();
        boolean crit = tuning == PgTuning.CRIT;
        n.put("maximum_lag_on_failover", io.pigsty.ha.internal.HaSupport.maxLagOnFailover(rpoBytes));
        n.put("synchronous_mode", io.pigsty.ha.internal.HaSupport.synchronousMode(rpoBytes, tuning))
                .put("synchronous_mode_strict", crit);
        return new DcsChange(n);
    }

    /**
     * @param parameters PostgreSQL parameters to set cluster-wide (values as PostgreSQL spells them)
     * @return the change; Patroni reloads, and reports {@code pending_restart} where a restart is needed
     */
    public static DcsChange parameters(Map<String, String> parameters) {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode p = n.putObject("postgresql").putObject("parameters");
        parameters.forEach((k, v) -> p.put(Objects.requireNonNull(k), Objects.requireNonNull(v, k)));
        return new DcsChange(n);
    }

    /**
     * @param patch Patroni's {@code PATCH /config} form as maps, lists and scalars, e.g.
     *              {@code Map.of("ttl", 20, "postgresql", Map.of("parameters", Map.of("work_mem", "64MB")))};
     *              a {@code null} value (in a map that allows it) deletes the key
     * @return the change
     * @throws io.pigsty.model.InvalidValueException when a value is not JSON (maps, lists, strings, numbers, booleans)
     */
    public static DcsChange of(Map<String, ?> patch) {
        Objects.requireNonNull(patch, "patch");
        JsonNode n;
        try {
            n = JsonViews.tree(patch);
        } catch (IllegalArgumentException e) {
            throw new io.pigsty.model.InvalidValueException("patch", null, "a DCS patch holds maps, lists, strings, "
                    + "numbers and booleans only: " + e.getMessage());
        }
        return new DcsChange((ObjectNode) n);
    }

    /**
     * @param other another change
     * @return both changes; where both set a key, {@code other} wins
     */
    public DcsChange and(DcsChange other) {
        ObjectNode n = patch.deepCopy();
        merge(n, other.patch);
        return new DcsChange(n);
    }

    private static void merge(ObjectNode into, JsonNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode cur = into.get(e.getKey());
            if (cur instanceof ObjectNode o && e.getValue().isObject()) {
                merge(o, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    /** @return the patch as an unmodifiable map in Patroni's {@code PATCH /config} form */
    public Map<String, Object> toMap() {
        return JsonViews.map(patch);
    }

    /** @return the patch as JSON (a copy), for the client */
    JsonNode json() {
        return patch.deepCopy();
    }

    /**
     * @param config a dynamic configuration as {@code GET /config} returns it ({@link ClusterOperations#config()})
     * @return true when every key of this change has its value in {@code config}
     */
    public boolean isAppliedIn(Map<String, ?> config) {
        return appliedIn(JsonViews.tree(config));
    }

    /** The same, on the JSON the client read. */
    boolean appliedIn(JsonNode config) {
        return contained(patch, config);
    }

    private static boolean contained(JsonNode want, JsonNode have) {
        if (want.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode h = have.path(e.getKey());
                if (e.getValue().isNull() ? !h.isMissingNode() && !h.isNull() : !contained(e.getValue(), h)) {
                    return false;
                }
            }
            return true;
        }
        if (want.isNumber() && have.isNumber()) {
            return want.decimalValue().compareTo(have.decimalValue()) == 0;
        }
        // Patroni keeps parameter values as given; compare their text
        return want.asText().equals(have.asText()) && !have.isMissingNode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DcsChange d && d.patch.equals(patch);
    }

    @Override
    public int hashCode() {
        return patch.hashCode();
    }

    @Override
    public String toString() {
        return patch.toString();
    }
}
