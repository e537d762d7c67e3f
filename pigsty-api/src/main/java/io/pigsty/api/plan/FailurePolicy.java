package io.pigsty.api.plan;

/**
 * What {@link Plan#apply} does with the other hosts when a step fails on one.
 */
public enum FailurePolicy {
    /**
     * The failed host skips its remaining steps and every later phase; the other hosts finish the
     * plan (Ansible's default). Right where hosts converge independently: a node or a member that
     * fails does not stop its peers from reaching the declared state.
     */
    PER_HOST,
    /**
     * The first failure stops the plan: every host skips each step it has not started, in this
     * phase and the later ones (Ansible's {@code any_errors_fatal}). Right where a later step on
     * one host is only safe once an earlier one succeeded on another: a point-in-time restore
     * wipes a replica only after the restored primary serves.
     */
    HALT_ALL
}
