package io.pigsty.api.step;

/**
 * One idempotent unit of work on one host. {@link #check} is read-only; {@link #apply}
 * converges and says whether it changed anything; {@link #render} says offline what it would
 * write and run. Re-applying a converged step must return {@link Outcome#OK}.
 */
public interface Step {
    /** @return a stable id, unique per host within a plan, such as {@code patroni:config} */
    String id();

    /** @return one human line */
    String description();

    /** @return files and commands, without touching any host */
    Rendered render();

    /**
     * @param ctx host access (read-only use only)
     * @return ok, or what would change
     */
    Check check(StepContext ctx);

    /**
     * @param ctx host access
     * @return whether something changed
     */
    Outcome apply(StepContext ctx);
}
