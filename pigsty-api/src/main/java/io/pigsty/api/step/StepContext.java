package io.pigsty.api.step;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.HostFacts;

/** What a step sees while it checks or applies on one host. */
public interface StepContext {
    /** @return the host */
    Host host();

    /** @return how to reach it */
    Executor executor();

    /** @return the host's facts, gathered at the start of this check or apply */
    HostFacts facts();

    /**
     * Runs a command and fails the step when it exits non-zero.
     *
     * @param command the command
     * @return its result
     */
    default ExecResult runOk(Command command) {
        return executor().run(host(), command).requireOk(host(), command);
    }

    /**
     * Runs a command whatever its exit status.
     *
     * @param command the command
     * @return its result
     */
    default ExecResult run(Command command) {
        return executor().run(host(), command);
    }
}
