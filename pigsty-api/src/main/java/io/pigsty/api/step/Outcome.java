package io.pigsty.api.step;

/** What {@link Step#apply} did. */
public enum Outcome {
    /** Already converged: nothing was touched. */
    OK,
    /** Something was changed on the host. */
    CHANGED
}
