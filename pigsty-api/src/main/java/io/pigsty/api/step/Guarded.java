package io.pigsty.api.step;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import java.util.List;
import java.util.Objects;

/**
 * A step that says how it decides and how it converges, so that a model of hosts (the strict
 * dry run of {@code pigsty-test}) can answer its checks from what the plan did: once its
 * {@link #converging()} commands ran on a host with its {@link #inputs()} in place, each of its
 * {@link #probes()} exits 0 and prints its converged output. The built-in command, SQL and file
 * steps are guarded; a module's own step may be too.
 */
public interface Guarded {
    /**
     * A read-only command of the step's check.
     *
     * @param command         the command
     * @param convergedOutput what it prints (stdout) once the step converged
     */
    record Probe(Command command, String convergedOutput) {
        /** Canonical constructor: no null. */
        public Probe {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(convergedOutput, "convergedOutput");
        }

        /** @return the masked command; not the output, which may be a password verifier */
        @Override
        public String toString() {
            return "Probe[" + command + "]";
        }
    }

    /** @return the read-only commands the check runs; none for a step that always applies */
    List<Probe> probes();

    /** @return the commands apply runs to converge (or, for a file, runs after it changed) */
    List<Command> converging();

    /** @return files the converging commands read, written by the step before they run */
    default List<FileSpec> inputs() {
        return List.of();
    }
}
