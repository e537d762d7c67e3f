package io.pigsty.test;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.step.Step;
import java.util.ArrayList;
import org.assertj.core.api.AbstractAssert;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * AssertJ assertions on plans, for vendors' unit tests: failures say what the plan has instead
 * (and carry the description given with {@code as(...)}).
 *
 * <pre>{@code
 * PlanAssert.assertThat(plan).onHost("10.213.0.11")
 *     .writesFile("/etc/patroni/patroni.yml").containing("ttl: 20").withMode("0600");
 * }</pre>
 */
public final class PlanAssert extends AbstractAssert<PlanAssert, Plan> {
    private final Plan plan;

    private PlanAssert(Plan plan) {
        super(plan, PlanAssert.class);
        this.plan = plan;
    }

    /**
     * @param plan a plan (rendered offline; no host is touched)
     * @return assertions on it
     */
    public static PlanAssert assertThat(Plan plan) {
        return new PlanAssert(plan);
    }

    /**
     * @param result an apply result
     * @return assertions on it
     */
    public static ResultAssert assertThat(ApplyResult result) {
        return new ResultAssert(result);
    }

    /**
     * @param address host address
     * @return assertions on that host's steps
     * @throws AssertionError when the plan does not touch that host
     */
    public HostAssert onHost(String address) {
        List<Step> steps = new ArrayList<>();
        for (Phase p : plan.phases()) {
            for (Map.Entry<Host, List<Step>> e : p.steps().entrySet()) {
                if (e.getKey().address().equals(address)) {
                    steps.addAll(e.getValue());
                }
            }
        }
        if (steps.isEmpty()) {
            failWithMessage("%s", "plan " + plan.playbook() + " has no step on " + address + "; hosts: " + plan.hosts());
        }
        return new HostAssert(address, steps);
    }

    /**
     * @param n expected number of steps
     * @return this
     */
    public PlanAssert hasStepCount(int n) {
        if (plan.stepCount() != n) {
            failWithMessage("%s", "expected " + n + " steps but plan " + plan.playbook() + " has " + plan.stepCount());
        }
        return this;
    }

    /**
     * @param phases expected phase names, in order
     * @return this
     */
    public PlanAssert hasPhases(String... phases) {
        List<String> actual = plan.phases().stream().map(Phase::name).toList();
        if (!actual.equals(List.of(phases))) {
            failWithMessage("%s", "expected phases " + List.of(phases) + " but was " + actual);
        }
        return this;
    }

    /** Assertions on one host's steps. */
    public static final class HostAssert {
        private final String host;
        private final List<Step> steps;

        HostAssert(String host, List<Step> steps) {
            this.host = host;
            this.steps = steps;
        }

        private List<FileSpec> files() {
            return steps.stream().flatMap(s -> s.render().files().stream()).collect(Collectors.toList());
        }

        private List<Command> commands() {
            return steps.stream().flatMap(s -> s.render().commands().stream()).collect(Collectors.toList());
        }

        /**
         * @param path absolute path
         * @return assertions on that file
         */
        public FileAssert writesFile(String path) {
            Optional<FileSpec> f = files().stream().filter(x -> x.path().equals(path)).reduce((a, b) -> b);
            return new FileAssert(this, host, f.orElseThrow(() -> new AssertionError(host + " does not write " + path
                    + "; it writes " + files().stream().map(FileSpec::path).toList())));
        }

        /**
         * @param path absolute path
         * @return this
         */
        public HostAssert doesNotWriteFile(String path) {
            if (files().stream().anyMatch(x -> x.path().equals(path))) {
                throw new AssertionError(host + " writes " + path + " but should not");
            }
            return this;
        }

        /**
         * @param fragment text the (masked) command line contains, e.g. {@code systemctl reload patroni}
         * @return this
         */
        public HostAssert runs(String fragment) {
            if (commands().stream().noneMatch(c -> c.display().contains(fragment)
                    || c.display().contains(fragment.replace(" ", "' '")))) {
                throw new AssertionError(host + " runs no command containing '" + fragment + "'; it runs:\n  "
                        + commands().stream().map(Command::display).collect(Collectors.joining("\n  ")));
            }
            return this;
        }

        /**
         * @param stepId a step id
         * @return this
         */
        public HostAssert hasStep(String stepId) {
            if (steps.stream().noneMatch(s -> s.id().equals(stepId))) {
                throw new AssertionError(host + " has no step " + stepId + "; steps: "
                        + steps.stream().map(Step::id).toList());
            }
            return this;
        }

        /**
         * @param before a step id
         * @param after  a step id that must come later on this host
         * @return this
         */
        public HostAssert hasStepBefore(String before, String after) {
            List<String> ids = steps.stream().map(Step::id).toList();
            int a = ids.indexOf(before);
            int b = ids.indexOf(after);
            if (a < 0 || b < 0 || a >= b) {
                throw new AssertionError(host + ": expected " + before + " before " + after + " in " + ids);
            }
            return this;
        }
    }

    /** Assertions on one file a host writes. */
    public static final class FileAssert {
        private final HostAssert host;
        private final String address;
        private final FileSpec file;

        FileAssert(HostAssert host, String address, FileSpec file) {
            this.host = host;
            this.address = address;
            this.file = file;
        }

        /** @param text expected substring @return this */
        public FileAssert containing(String text) {
            if (!file.text().contains(text)) {
                throw new AssertionError(address + " " + file.path() + " does not contain '" + text + "'"
                        + (file.secret() ? " (secret file, content not shown)" : ":\n" + file.text()));
            }
            return this;
        }

        /** @param text unexpected substring @return this */
        public FileAssert notContaining(String text) {
            if (file.text().contains(text)) {
                throw new AssertionError(address + " " + file.path() + " contains '" + text + "'");
            }
            return this;
        }

        /** @param mode expected octal mode @return this */
        public FileAssert withMode(String mode) {
            if (!file.mode().replaceFirst("^0+", "").equals(mode.replaceFirst("^0+", ""))) {
                throw new AssertionError(address + " " + file.path() + " has mode " + file.mode() + ", not " + mode);
            }
            return this;
        }

        /** @param owner expected owner @return this */
        public FileAssert ownedBy(String owner) {
            if (!file.owner().equals(owner)) {
                throw new AssertionError(address + " " + file.path() + " is owned by " + file.owner() + ", not " + owner);
            }
            return this;
        }

        /** @return the file's text, for custom checks */
        public String text() {
            return file.text();
        }

        /** @return back to the host */
        public HostAssert and() {
            return host;
        }
    }

    /** Assertions on an apply result. */
    public static final class ResultAssert extends AbstractAssert<ResultAssert, ApplyResult> {
        private final ApplyResult result;

        ResultAssert(ApplyResult result) {
            super(result, ResultAssert.class);
            this.result = result;
        }

        /** @return this */
        public ResultAssert hasNoFailures() {
            if (!result.ok()) {
                failWithMessage("%s", "apply failed on " + result.failedHosts() + ": " + result.steps().stream()
                        .filter(s -> s.error().isPresent()).map(s -> s.host() + " " + s.stepId() + ": " + s.error().get())
                        .collect(Collectors.joining("; ")));
            }
            return this;
        }

        /** @param n expected changed steps @return this */
        public ResultAssert changed(long n) {
            if (result.changedCount() != n) {
                failWithMessage("%s", "expected " + n + " changed steps but " + result.changedCount() + " changed: "
                        + result.changedSteps());
            }
            return this;
        }
    }
}
