package io.pigsty.api.plan;

/** Progress events of an apply, for progress bars and logs. Called from several threads. */
public interface PlanListener {
    /** A listener that ignores everything. */
    PlanListener NONE = new PlanListener() {
    };

    /**
     * @param playbook playbook name
     * @param steps    number of steps in the plan
     */
    default void planStarted(String playbook, int steps) {
    }

    /**
     * @param phase  phase
     * @param host   host address
     * @param stepId step id
     */
    default void stepStarted(String phase, String host, String stepId) {
    }

    /** @param result how the step ended */
    default void stepFinished(StepResult result) {
    }

    /**
     * @param host  host address
     * @param error why (secrets masked)
     */
    default void hostFailed(String host, String error) {
    }

    /** @param result the whole result */
    default void planFinished(ApplyResult result) {
    }
}
