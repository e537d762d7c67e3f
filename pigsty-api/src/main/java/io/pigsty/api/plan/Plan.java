package io.pigsty.api.plan;

import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.Facts;
import io.pigsty.api.facts.FactsGatherer;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.model.PigstyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered set of phases of steps for one playbook, built from an inventory and a declared
 * set of {@link Facts}. A value: {@link #render()}, {@link #check} and {@link #apply} show and
 * run the same steps; the plan holds no mutable state, so one plan may be checked and applied
 * from several threads at once.
 *
 * <p>{@link #check} and {@link #apply} first gather the facts of the plan's hosts again. Steps
 * see those live facts. When they differ from the plan's facts in a way that changes the plan
 * (the modules, given the live facts, would plan other steps), {@code check} reports the
 * differences and {@code apply} refuses before touching any host: re-plan with
 * {@code pigsty.plan(playbook, pigsty.gatherFacts(executor))}.
 *
 * <p>Within a phase hosts run in parallel (bounded). What a failure stops is the plan's
 * {@link FailurePolicy}: by default a failed host skips its remaining steps and later phases while
 * the other hosts finish; under {@link FailurePolicy#HALT_ALL} every host stops.
 */
public final class Plan {
    private static final Logger LOG = LoggerFactory.getLogger(Plan.class);
    /** Step id of the entries that report gathered facts which change the plan. */
    public static final String FACTS_STEP = "facts";
    /** Phase and step id of the preflight's refusals (one per host with problems). */
    public static final String PREFLIGHT = "preflight";
    /**
     * Shortest secret masked by text replacement in rendered plans and errors. Shorter values
     * (Pigsty's default {@code pigsty}) would mangle ordinary words; validation warns about
     * default passwords, and files holding secrets are marked secret instead.
     */
    static final int MASK_MIN = 8;

    /** Builds the phases of one playbook; must be a pure function of the facts it is given. */
    @FunctionalInterface
    public interface Planner {
        /**
         * @param facts the facts of a host; throws {@link PigstyException} for a host without facts
         * @return the phases
         */
        List<Phase> phases(Function<Host, HostFacts> facts);
    }

    private final String playbook;
    private final List<Phase> phases;
    private final Planner planner;
    private final Facts facts;
    private final Masker masker;
    private final int parallelism;
    private final Optional<io.pigsty.api.preflight.Preflight> preflight;
    private final FailurePolicy failurePolicy;

    private Plan(Plan base, Planner planner, List<Phase> phases, Optional<io.pigsty.api.preflight.Preflight> preflight) {
        this(base, planner, phases, preflight, base.failurePolicy);
    }

    private Plan(Plan base, Planner planner, List<Phase> phases, Optional<io.pigsty.api.preflight.Preflight> preflight,
                 FailurePolicy failurePolicy) {
        this.failurePolicy = failurePolicy;
        this.playbook = base.playbook;
        this.planner = planner;
        this.masker = base.masker;
        this.parallelism = base.parallelism;
        this.phases = phases;
        this.facts = base.facts;
        this.preflight = preflight;
    }

    private Plan(String playbook, Planner planner, Facts declared, Set<String> secrets, int parallelism) {
        this.preflight = Optional.empty();
        this.failurePolicy = FailurePolicy.PER_HOST;
        this.playbook = Objects.requireNonNull(playbook, "playbook");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.masker = Masker.of(secrets);
        this.parallelism = Math.max(1, parallelism);
        Set<String> consulted = ConcurrentHashMap.newKeySet();
        this.phases = List.copyOf(planner.phases(lookup(declared, consulted)));
        // the facts this plan depends on: those the modules read, and those of the hosts it runs on
        Set<String> used = new TreeSet<>(consulted);
        hostsOf(phases).forEach(h -> used.add(h.address()));
        this.facts = declared.only(used);
    }

    /**
     * @param playbook    playbook name
     * @param planner     builds the phases from facts (pure)
     * @param facts       the facts to build with: offline or gathered
     * @param secrets     every secret value of the inventory, to mask in rendered text
     * @param parallelism max hosts in parallel within a phase
     * @return the plan
     * @throws PigstyException when a module asks for the facts of a host that {@code facts} lacks
     */
    public static Plan of(String playbook, Planner planner, Facts facts, Set<String> secrets, int parallelism) {
        return new Plan(playbook, planner, facts, secrets, parallelism);
    }

    private static Function<Host, HostFacts> lookup(Facts facts, Set<String> consulted) {
        return h -> {
            consulted.add(h.address());
            return facts.host(h.address()).orElseThrow(() -> new PigstyException("no facts for host " + h
                    + ": gather the facts of every host of the inventory (pigsty.gatherFacts(executor))"));
        };
    }

    /**
     * @param p the read-only checks every host must pass before {@link #apply} changes anything
     * @return this plan with that preflight
     */
    public Plan withPreflight(io.pigsty.api.preflight.Preflight p) {
        return new Plan(this, planner, phases, Optional.of(Objects.requireNonNull(p, "preflight")));
    }

    /**
     * @param policy what {@link #apply} does with the other hosts when a step fails on one
     * @return this plan with that policy (the steps are unchanged)
     */
    public Plan withFailurePolicy(FailurePolicy policy) {
        return new Plan(this, planner, phases, preflight, Objects.requireNonNull(policy, "policy"));
    }

    /** @return what {@link #apply} does with the other hosts when a step fails on one */
    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /** @return the preflight run first by {@link #check} and {@link #apply}, if any */
    public Optional<io.pigsty.api.preflight.Preflight> preflight() {
        return preflight;
    }

    /** @return playbook name */
    public String playbook() {
        return playbook;
    }

    /** @return the phases: what render shows and check and apply run */
    public List<Phase> phases() {
        return phases;
    }

    /** @return the facts the plan was built from, for the hosts it reads or runs on */
    public Facts facts() {
        return facts;
    }

    /** @return every host of the plan, in first-use order */
    public List<Host> hosts() {
        return hostsOf(phases);
    }

    private static List<Host> hostsOf(List<Phase> phases) {
        Map<String, Host> out = new LinkedHashMap<>();
        phases.forEach(p -> p.steps().keySet().forEach(h -> out.putIfAbsent(h.address(), h)));
        return List.copyOf(out.values());
    }

    /** @return number of steps */
    public int stepCount() {
        return phases.stream().mapToInt(p -> p.steps().values().stream().mapToInt(List::size).sum()).sum();
    }

    /**
     * Ansible's {@code --limit}: the same plan for some hosts only. Steps of other hosts are
     * dropped (phases left empty disappear); what the kept hosts do is unchanged, so a limited
     * apply of a converged plan still changes nothing.
     *
     * @param keep which hosts stay
     * @return the narrowed plan
     */
    public Plan limit(java.util.function.Predicate<Host> keep) {
        Objects.requireNonNull(keep, "keep");
        Planner narrowed = f -> narrow(planner.phases(f), keep);
        Optional<io.pigsty.api.preflight.Preflight> pre = preflight.map(p -> {
            Map<Host, io.pigsty.api.preflight.HostExpectations> kept = new LinkedHashMap<>();
            p.expectations().forEach((h, e) -> {
                if (keep.test(h)) {
                    kept.put(h, e);
                }
            });
            return io.pigsty.api.preflight.Preflight.of(kept);
        });
        return new Plan(this, narrowed, narrow(phases, keep), pre);
    }

    private static List<Phase> narrow(List<Phase> phases, java.util.function.Predicate<Host> keep) {
        List<Phase> out = new ArrayList<>();
        for (Phase p : phases) {
            Map<Host, List<Step>> steps = new LinkedHashMap<>();
            p.steps().forEach((h, s) -> {
                if (keep.test(h)) {
                    steps.put(h, s);
                }
            });
            if (!steps.isEmpty()) {
                out.add(new Phase(p.name(), steps));
            }
        }
        return List.copyOf(out);
    }

    /** @return the offline rendering */
    public RenderedPlan render() {
        return new RenderedPlan(playbook, phases, masker, failurePolicy);
    }

    /**
     * Read-only: what would change on the hosts. Gathers the facts first; when they change the
     * plan, one {@link #FACTS_STEP} entry per host says how (and the report is not converged).
     *
     * @param executor how to reach hosts
     * @return per host and step: ok or the change
     */
    public CheckReport check(Executor executor) {
        List<String> notes = new ArrayList<>();
        Facts live = gatherLive(executor);
        Map<String, String> stale = staleness(live, notes);
        List<CheckReport.Entry> entries = Collections.synchronizedList(new ArrayList<>());
        stale.forEach((host, why) -> entries.add(new CheckReport.Entry("", host, FACTS_STEP, Optional.of(why))));
        runPreflight(executor, notes).ifPresent(r -> r.problems().stream()
                .collect(java.util.stream.Collectors.groupingBy(io.pigsty.api.preflight.PreflightProblem::host,
                        LinkedHashMap::new, java.util.stream.Collectors.mapping(
                                io.pigsty.api.preflight.PreflightProblem::line, java.util.stream.Collectors.joining("\n"))))
                .forEach((host, text) -> entries.add(new CheckReport.Entry(PREFLIGHT, host, PREFLIGHT, Optional.of(maskAll(text))))));
        for (Phase phase : phases) {
            parallel(phase, (host, steps) -> {
                StepContext ctx = context(executor, host, liveFacts(live, host));
                for (Step s : steps) {
                    Check c = s.check(ctx);
                    entries.add(new CheckReport.Entry(phase.name(), host.address(), s.id(),
                            c instanceof Check.Change ch ? Optional.of(ch.diff()) : Optional.empty()));
                }
            });
        }
        return new CheckReport(playbook, sort(entries, phases), notes);
    }

    /**
     * Converges the hosts, phase by phase. Refuses, before any change, when the facts gathered
     * now change the plan. A host whose step fails skips its remaining steps; under
     * {@link FailurePolicy#HALT_ALL} every other host also skips each step it has not started. A
     * failure in the {@code preflight} phase stops every host whatever the policy, so a refused
     * precondition never leaves the plan applied on some hosts only.
     *
     * @param executor how to reach hosts
     * @param listener progress events
     * @return per host and step what happened
     */
    public ApplyResult apply(Executor executor, PlanListener listener) {
        long t0 = System.nanoTime();
        List<String> notes = new ArrayList<>();
        Facts live;
        try {
            live = gatherLive(executor);
        } catch (ExecException e) {
            return refused(List.of(new StepResult(FACTS_STEP, e.host().address(), FACTS_STEP, StepStatus.FAILED,
                    Duration.ZERO, Optional.of(maskAll(e.getMessage())))), notes, t0, listener);
        }
        Map<String, String> stale = staleness(live, notes);
        if (!stale.isEmpty()) {
            notes.add("plan refused: the facts gathered now change it; no host was changed");
            List<StepResult> refusals = new ArrayList<>();
            stale.forEach((host, why) -> refusals.add(new StepResult(FACTS_STEP, host, FACTS_STEP, StepStatus.FAILED,
                    Duration.ZERO, Optional.of(maskAll(why)))));
            return refused(refusals, notes, t0, listener);
        }
        Optional<io.pigsty.api.preflight.PreflightReport> pre;
        try {
            pre = runPreflight(executor, notes);
        } catch (ExecException e) {
            return refused(List.of(new StepResult(PREFLIGHT, e.host().address(), PREFLIGHT, StepStatus.FAILED,
                    Duration.ZERO, Optional.of(maskAll(e.getMessage())))), notes, t0, listener);
        }
        if (pre.isPresent() && !pre.get().ok()) {
            // every problem of every host at once, before the first change
            notes.add("preflight refused the plan: " + pre.get().problems().size() + " problems; no host was changed");
            List<StepResult> refusals = new ArrayList<>();
            pre.get().problems().stream().collect(java.util.stream.Collectors.groupingBy(
                    io.pigsty.api.preflight.PreflightProblem::host, LinkedHashMap::new, java.util.stream.Collectors.mapping(
                            io.pigsty.api.preflight.PreflightProblem::line, java.util.stream.Collectors.joining("\n"))))
                    .forEach((host, text) -> refusals.add(new StepResult(PREFLIGHT, host, PREFLIGHT, StepStatus.FAILED,
                            Duration.ZERO, Optional.of(maskAll(text)))));
            return refused(refusals, notes, t0, listener);
        }
        List<StepResult> results = Collections.synchronizedList(new ArrayList<>());
        Set<String> failed = ConcurrentHashMap.newKeySet();
        // set once the plan stops everywhere: by a preflight failure, or by any failure under HALT_ALL
        java.util.concurrent.atomic.AtomicReference<String> haltedBy = new java.util.concurrent.atomic.AtomicReference<>();
        listener.planStarted(playbook, stepCount());
        for (Phase phase : phases) {
            parallel(phase, (host, steps) -> {
                StepContext ctx = context(executor, host, liveFacts(live, host));
                for (Step s : steps) {
                    if (failed.contains(host.address()) || haltedBy.get() != null) {
                        StepResult r = new StepResult(phase.name(), host.address(), s.id(), StepStatus.SKIPPED,
                                Duration.ZERO, Optional.empty());
                        results.add(r);
                        listener.stepFinished(r);
                        continue;
                    }
                    listener.stepStarted(phase.name(), host.address(), s.id());
                    long st = System.nanoTime();
                    StepResult r;
                    try {
                        Outcome o = s.apply(ctx);
                        r = new StepResult(phase.name(), host.address(), s.id(),
                                o == Outcome.CHANGED ? StepStatus.CHANGED : StepStatus.OK, elapsed(st), Optional.empty());
                    } catch (RuntimeException e) {
                        String msg = maskAll(e.getMessage() == null ? e.toString() : e.getMessage());
                        LOG.warn("{} {} failed: {}", host, s.id(), msg);
                        r = new StepResult(phase.name(), host.address(), s.id(), StepStatus.FAILED, elapsed(st),
                                Optional.of(msg));
                        failed.add(host.address());
                        if (failurePolicy == FailurePolicy.HALT_ALL) {
                            haltedBy.compareAndSet(null, host.address() + " " + s.id());
                        }
                        listener.hostFailed(host.address(), msg);
                    }
                    results.add(r);
                    listener.stepFinished(r);
                }
            });
            if (phase.name().equals("preflight") && !failed.isEmpty()) {
                // a refused precondition stops the whole plan: no other host may go ahead half-way
                notes.add("preflight failed on " + new TreeSet<>(failed) + ": no host was changed");
                haltedBy.compareAndSet(null, "preflight");
            }
        }
        if (failurePolicy == FailurePolicy.HALT_ALL && haltedBy.get() != null) {
            notes.add("halted after " + haltedBy.get() + " failed (failure policy HALT_ALL): every host skipped the steps"
                    + " it had not started");
        }
        ApplyResult result = new ApplyResult(playbook, sort(results, phases), elapsed(t0), notes);
        listener.planFinished(result);
        return result;
    }

    // a simulated executor has no real host to ask: the dry run models what the plan does, not the host it finds
    private Optional<io.pigsty.api.preflight.PreflightReport> runPreflight(Executor executor, List<String> notes) {
        if (preflight.isEmpty()) {
            return Optional.empty();
        }
        if (executor.simulated()) {
            notes.add("preflight not run: the executor is simulated");
            return Optional.empty();
        }
        io.pigsty.api.preflight.PreflightReport r = preflight.get().run(executor);
        r.notes().forEach(n -> notes.add("preflight: " + n));
        return Optional.of(r);
    }

    private ApplyResult refused(List<StepResult> failures, List<String> notes, long t0, PlanListener listener) {
        ApplyResult r = new ApplyResult(playbook, failures, elapsed(t0), notes);
        for (StepResult f : failures) {
            listener.hostFailed(f.host(), f.error().orElse(""));
            listener.stepFinished(f);
        }
        listener.planFinished(r);
        return r;
    }

    private Facts gatherLive(Executor executor) {
        Map<String, Host> hosts = new LinkedHashMap<>();
        hosts().forEach(h -> hosts.put(h.address(), h));
        facts.asMap().keySet().forEach(a -> hosts.putIfAbsent(a, Host.of(a)));
        return FactsGatherer.gather(executor, hosts.values(), parallelism);
    }

    private HostFacts liveFacts(Facts live, Host host) {
        return live.host(host.address()).or(() -> facts.host(host.address()))
                .orElseThrow(() -> new PigstyException("no facts for host " + host));
    }

    /**
     * @param live  facts gathered now
     * @param notes where differences that leave the plan unchanged are noted
     * @return per host whose steps would differ with the live facts: why, for a human; empty
     *         when the plan stands
     */
    private Map<String, String> staleness(Facts live, List<String> notes) {
        Map<String, List<String>> differ = facts.differences(live);
        if (differ.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> changedSteps = stepDifferences(planner.phases(lookup(facts.with(live),
                ConcurrentHashMap.newKeySet())));
        Map<String, String> out = new TreeMap<>();
        differ.forEach((host, d) -> {
            List<String> steps = changedSteps.getOrDefault(host, List.of());
            if (steps.isEmpty()) {
                notes.add(host + ": gathered facts differ from the plan's (" + String.join("; ", d)
                        + "); the plan's steps are the same");
            }
        });
        changedSteps.forEach((host, steps) -> out.put(host, "the facts gathered now change the plan on " + host
                + (differ.containsKey(host) ? " (" + String.join("; ", differ.get(host)) + ")" : "")
                + ": steps " + String.join(", ", steps) + " would differ; re-plan with "
                + "pigsty.plan(playbook, pigsty.gatherFacts(executor))" + otherHosts(differ, host)));
        return out;
    }

    private static String otherHosts(Map<String, List<String>> differ, String host) {
        List<String> others = differ.keySet().stream().filter(h -> !h.equals(host)).toList();
        return others.isEmpty() ? "" : " (facts also differ on " + String.join(", ", others) + ")";
    }

    /** @return per host, the step ids (changed, added or removed) in which {@code other} differs from this plan */
    private Map<String, List<String>> stepDifferences(List<Phase> other) {
        Map<String, Map<String, Object>> mine = signatures(phases);
        Map<String, Map<String, Object>> theirs = signatures(other);
        Map<String, List<String>> out = new TreeMap<>();
        Set<String> hosts = new TreeSet<>(mine.keySet());
        hosts.addAll(theirs.keySet());
        for (String h : hosts) {
            Map<String, Object> a = mine.getOrDefault(h, Map.of());
            Map<String, Object> b = theirs.getOrDefault(h, Map.of());
            Set<String> ids = new LinkedHashSet<>(a.keySet());
            ids.addAll(b.keySet());
            List<String> d = new ArrayList<>();
            for (String id : ids) {
                if (!a.containsKey(id)) {
                    d.add("+" + id);
                } else if (!b.containsKey(id)) {
                    d.add("-" + id);
                } else if (!a.get(id).equals(b.get(id))) {
                    d.add(id);
                }
            }
            if (d.isEmpty() && !List.copyOf(a.keySet()).equals(List.copyOf(b.keySet()))) {
                d.add("(order of steps)");
            }
            if (!d.isEmpty()) {
                out.put(h, List.copyOf(d));
            }
        }
        return out;
    }

    /** What a step shows, per host and step id in plan order: phase, description and rendering (files, commands). */
    private static Map<String, Map<String, Object>> signatures(List<Phase> phases) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Phase p : phases) {
            p.steps().forEach((h, steps) -> {
                Map<String, Object> byId = out.computeIfAbsent(h.address(), k -> new LinkedHashMap<>());
                for (Step s : steps) {
                    Rendered r = s.render();
                    byId.put(s.id(), List.of(p.name(), s.description(), r));
                }
            });
        }
        return out;
    }

    private interface HostWork {
        void run(Host host, List<Step> steps);
    }

    private void parallel(Phase phase, HostWork work) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, phase.steps().size())));
        try {
            List<Future<?>> fs = new ArrayList<>();
            phase.steps().forEach((h, steps) -> fs.add(pool.submit(() -> work.run(h, steps))));
            for (Future<?> f : fs) {
                join(f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PigstyException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new PigstyException(e.getCause().toString(), e.getCause());
        }
    }

    private static <T> List<T> sort(List<T> items, List<Phase> phases) {
        // results arrive in thread order; report them in plan order (facts entries first)
        Map<String, Integer> order = new HashMap<>();
        int i = 0;
        for (Phase p : phases) {
            for (Map.Entry<Host, List<Step>> e : p.steps().entrySet()) {
                for (Step s : e.getValue()) {
                    order.put(p.name() + "|" + e.getKey().address() + "|" + s.id(), i++);
                }
            }
        }
        List<T> out = new ArrayList<>(items);
        out.sort((a, b) -> Integer.compare(order.getOrDefault(key(a), -1), order.getOrDefault(key(b), -1)));
        return List.copyOf(out);
    }

    private static String key(Object o) {
        if (o instanceof StepResult r) {
            return r.phase() + "|" + r.host() + "|" + r.stepId();
        }
        CheckReport.Entry e = (CheckReport.Entry) o;
        return e.phase() + "|" + e.host() + "|" + e.stepId();
    }

    private String maskAll(String text) {
        return masker.mask(text);
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static StepContext context(Executor executor, Host host, HostFacts facts) {
        return new StepContext() {
            @Override
            public Host host() {
                return host;
            }

            @Override
            public Executor executor() {
                return executor;
            }

            @Override
            public HostFacts facts() {
                return facts;
            }
        };
    }

    @Override
    public String toString() {
        return "Plan[" + playbook + ", " + phases.size() + " phases, " + stepCount() + " steps]";
    }
}
