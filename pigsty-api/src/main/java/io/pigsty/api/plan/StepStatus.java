package io.pigsty.api.plan;

/** How a step ended in an apply. */
public enum StepStatus {
    /** Already converged. */
    OK,
    /** Changed something. */
    CHANGED,
    /** Failed; the host's later steps are skipped. */
    FAILED,
    /** Not run because an earlier step of its host failed. */
    SKIPPED
}
