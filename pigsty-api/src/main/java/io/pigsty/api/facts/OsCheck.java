package io.pigsty.api.facts;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.quote.ShellQuote;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.model.DebianRelease;
import io.pigsty.model.PigstyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The preflight match of a node's gathered OS with the cluster's {@code pg_version} and of its
 * apt sources with the packages the plan installs: one line naming the node, its OS and what it
 * has, before any host is changed.
 */
public final class OsCheck {
    /** What the probe prints when the node has no apt package lists yet. */
    public static final String NO_LISTS = "pigsty:no-apt-lists";

    private OsCheck() {
    }

    /**
     * @param node    the node's address
     * @param facts   its facts
     * @param pgMajor the cluster's {@code pg_version}
     * @return why the node cannot run that version, empty when it can
     */
    public static Optional<String> refusal(String node, HostFacts facts, int pgMajor) {
        Optional<DebianRelease> rel = facts.release();
        if (rel.isEmpty()) {
            return Optional.of("node " + node + " runs " + facts.os() + " " + facts.osVersion() + ", not a supported OS ("
                    + DebianRelease.summary() + "): cannot install PostgreSQL " + pgMajor);
        }
        if (!rel.get().pgVersions().contains(pgMajor)) {
            return Optional.of("node " + node + " runs " + rel.get().display() + ", which has PostgreSQL "
                    + rel.get().pgVersions().stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                    + ", not " + pgMajor + " (pg_version)");
        }
        return Optional.empty();
    }

    /**
     * @param pgMajor  the cluster's {@code pg_version}
     * @param packages the PostgreSQL and extension packages the plan installs
     * @return the preflight step checking both on the node
     */
    public static Step step(int pgMajor, List<String> packages) {
        return new OsStep(pgMajor, List.copyOf(packages));
    }

    private record OsStep(int pgMajor, List<String> packages) implements Step {
        @Override
        public String id() {
            return "preflight:os";
        }

        @Override
        public String description() {
            return "the node's OS carries PostgreSQL " + pgMajor + " and " + String.join(", ", packages);
        }

        @Override
        public Rendered render() {
            return Rendered.commands(Command.shell(probe()).build());
        }

        private String probe() {
            // read-only: which of the packages apt knows, one name a line; without package lists (apt-get update
            // never ran) apt knows nothing yet, so only the OS can be judged and the package step updates first
            return "if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then echo " + NO_LISTS + "; exit 0; fi; "
                    + "for p in " + ShellQuote.join(packages) + "; do apt-cache show --no-all-versions \"$p\" >/dev/null 2>&1 && echo \"$p\"; done; true";
        }

        private Optional<String> problem(StepContext ctx) {
            Optional<String> os = refusal(ctx.host().address(), ctx.facts(), pgMajor);
            if (os.isPresent() || packages.isEmpty()) {
                return os;
            }
            ExecResult r = ctx.run(Command.shell(probe()).build());
            List<String> known = List.of(r.stdout().split("\\s+"));
            if (known.contains(NO_LISTS)) {
                return Optional.empty();
            }
            List<String> missing = new ArrayList<>();
            packages.stream().filter(p -> !known.contains(p)).forEach(missing::add);
            if (missing.isEmpty()) {
                return Optional.empty();
            }
            String osName = ctx.facts().release().map(DebianRelease::display).orElse(ctx.facts().os() + " " + ctx.facts().osVersion());
            return Optional.of("node " + ctx.host().address() + " (" + osName + ", PostgreSQL " + pgMajor
                    + ") has no package " + String.join(", ", missing) + " in its apt sources");
        }

        @Override
        public Check check(StepContext ctx) {
            return problem(ctx).map(p -> Check.change("refuse: " + p)).orElse(Check.ok());
        }

        @Override
        public Outcome apply(StepContext ctx) {
            Optional<String> p = problem(ctx);
            if (p.isPresent()) {
                throw new PigstyException(p.get());
            }
            return Outcome.OK;
        }
    }
}
