package io.pigsty.api.plan;

import java.io.PrintStream;
import java.util.Objects;

/** Prints one line per finished step and a summary: the CLI's progress display. */
public final class ConsoleProgressListener implements PlanListener {
    private final PrintStream out;

    /** @param out where to print */
    public ConsoleProgressListener(PrintStream out) {
        this.out = Objects.requireNonNull(out);
    }

    @Override
    public void planStarted(String playbook, int steps) {
        out.printf("== %s: %d steps%n", playbook, steps);
    }

    @Override
    public synchronized void stepFinished(StepResult r) {
        out.printf("  %-8s %-11s %-15s %-40s %5d ms%s%n", r.status(), "[" + r.phase() + "]", r.host(), r.stepId(),
                r.duration().toMillis(), r.error().map(e -> "\n           " + e).orElse(""));
    }

    @Override
    public void planFinished(ApplyResult result) {
        out.println("== " + result.summary());
    }
}
