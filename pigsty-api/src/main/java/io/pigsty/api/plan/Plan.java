package io.pigsty.api.plan;

import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.FactsGatherer;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.model.PigstyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered set of phases of steps for one playbook. A value: {@link #render()} is offline and
 * deterministic. {@link #check} and {@link #apply} first gather every host's facts, rebuild the
 * steps with them, then run. Within a phase hosts run in parallel (bounded); a failed host skips
 * its remaining steps and later phases; other hosts finish.
 */
public final class Plan {
    private static final Logger LOG = LoggerFactory.getLogger(Plan.class);
    /**
     * Shortest secret masked by text replacement in rendered plans and errors. Shorter values
     * (Pigsty's default {@code pigsty}) would mangle ordinary words; validation warns about
     * default passwords, and files holding secrets are marked secret instead.
     */
    static final int MASK_MIN = 8;
    private final String playbook;
    private final List<Phase> phases;
    private final Function<Function<Host, HostFacts>, List<Phase>> rebuild;
    private final Map<String, HostFacts> offlineFacts;
    private final Set<String> secrets;
    private final int parallelism;

    /**
     * @param playbook     playbook name
     * @param rebuild      builds the phases for given host facts
     * @param offlineFacts facts used offline, by host address
     * @param secrets      every secret value of the inventory, to mask in rendered text
     * @param parallelism  max hosts in parallel within a phase
     */
    public Plan(String playbook, Function<Function<Host, HostFacts>, List<Phase>> rebuild,
                Map<String, HostFacts> offlineFacts, Set<String> secrets, int parallelism) {
        this.playbook = playbook;
        this.rebuild = rebuild;
        this.offlineFacts = Map.copyOf(offlineFacts);
        this.secrets = Set.copyOf(secrets);
        this.parallelism = Math.max(1, parallelism);
        this.phases = rebuild.apply(h -> facts(this.offlineFacts, h));
    }

    private static HostFacts facts(Map<String, HostFacts> facts, Host h) {
        HostFacts f = facts.get(h.address());
        if (f == null) {
            throw new PigstyException("no facts for host " + h);
        }
        return f;
    }

    /** @return playbook name */
    public String playbook() {
        return playbook;
    }

    /** @return phases built with offline facts */
    public List<Phase> phases() {
        return phases;
    }

    /** @return every host of the plan, in first-use order */
    public List<Host> hosts() {
        List<Host> out = new ArrayList<>();
        phases.forEach(p -> p.steps().keySet().forEach(h -> {
            if (out.stream().noneMatch(x -> x.address().equals(h.address()))) {
                out.add(h);
            }
        }));
        return out;
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
        java.util.Objects.requireNonNull(keep, "keep");
        Function<Function<Host, HostFacts>, List<Phase>> narrowed = f -> {
            List<Phase> out = new ArrayList<>();
            // hosts outside the limit are not probed: modules that look at them see their offline facts
            Function<Host, HostFacts> orOffline = h -> {
                try {
                    return f.apply(h);
                } catch (PigstyException e) {
                    return facts(offlineFacts, h);
                }
            };
            for (Phase p : rebuild.apply(orOffline)) {
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
            return out;
        };
        return new Plan(playbook, narrowed, offlineFacts, secrets, parallelism);
    }

    /** @return the offline rendering */
    public RenderedPlan render() {
        return new RenderedPlan(playbook, phases, secrets);
    }

    /**
     * Read-only: what would change on the hosts.
     *
     * @param executor how to reach hosts
     * @return per host and step: ok or the change
     */
    public CheckReport check(Executor executor) {
        List<String> notes = new ArrayList<>();
        List<Phase> live = gather(executor, notes);
        List<CheckReport.Entry> entries = Collections.synchronizedList(new ArrayList<>());
        Map<String, HostFacts> facts = lastFacts;
        for (Phase phase : live) {
            parallel(phase, (host, steps) -> {
                StepContext ctx = context(executor, host, facts.get(host.address()));
                for (Step s : steps) {
                    Check c = s.check(ctx);
                    entries.add(new CheckReport.Entry(phase.name(), host.address(), s.id(),
                            c instanceof Check.Change ch ? Optional.of(ch.diff()) : Optional.empty()));
                }
            });
        }
        return new CheckReport(playbook, sort(entries, live), notes);
    }

    /**
     * Converges the hosts, phase by phase. A host whose step fails skips its remaining steps; a
     * failure in the {@code preflight} phase stops every host, so a refused precondition never
     * leaves the plan applied on some hosts only.
     *
     * @param executor how to reach hosts
     * @param listener progress events
     * @return per host and step what happened
     */
    public ApplyResult apply(Executor executor, PlanListener listener) {
        long t0 = System.nanoTime();
        List<String> notes = new ArrayList<>();
        List<StepResult> results = Collections.synchronizedList(new ArrayList<>());
        Set<String> failed = ConcurrentHashMap.newKeySet();
        List<Phase> live;
        try {
            live = gather(executor, notes);
        } catch (ExecException e) {
            StepResult failedFacts = new StepResult("facts", e.host().address(), "facts", StepStatus.FAILED,
                    Duration.ZERO, Optional.of(maskAll(e.getMessage())));
            ApplyResult r = new ApplyResult(playbook, List.of(failedFacts), elapsed(t0), notes);
            listener.hostFailed(e.host().address(), maskAll(e.getMessage()));
            listener.stepFinished(failedFacts);
            listener.planFinished(r);
            return r;
        }
        Map<String, HostFacts> facts = lastFacts;
        listener.planStarted(playbook, live.stream().mapToInt(p -> p.steps().values().stream().mapToInt(List::size)
                .sum()).sum());
        for (Phase phase : live) {
            parallel(phase, (host, steps) -> {
                StepContext ctx = context(executor, host, facts.get(host.address()));
                for (Step s : steps) {
                    if (failed.contains(host.address())) {
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
                        listener.hostFailed(host.address(), msg);
                    }
                    results.add(r);
                    listener.stepFinished(r);
                }
            });
            if (phase.name().equals("preflight") && !failed.isEmpty()) {
                // a refused precondition stops the whole plan: no other host may go ahead half-way
                notes.add("preflight failed on " + new java.util.TreeSet<>(failed) + ": no host was changed");
                live.forEach(p -> p.steps().keySet().forEach(h -> failed.add(h.address())));
            }
        }
        ApplyResult result = new ApplyResult(playbook, sort(results, live), elapsed(t0), notes);
        listener.planFinished(result);
        return result;
    }

    private volatile Map<String, HostFacts> lastFacts = Map.of();

    private List<Phase> gather(Executor executor, List<String> notes) {
        Map<String, HostFacts> gathered = new ConcurrentHashMap<>();
        List<Host> hosts = hosts();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, hosts.size())));
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Host h : hosts) {
                fs.add(pool.submit(() -> gathered.put(h.address(), FactsGatherer.gather(executor, h))));
            }
            for (Future<?> f : fs) {
                join(f);
            }
        } finally {
            pool.shutdownNow();
        }
        for (Host h : hosts) {
            HostFacts off = offlineFacts.get(h.address());
            List<String> d = off == null ? List.of() : off.sizingDifferences(gathered.get(h.address()));
            if (!d.isEmpty()) {
                notes.add(h + ": gathered facts differ from the offline ones: " + String.join(", ", d));
            }
        }
        lastFacts = Map.copyOf(gathered);
        return rebuild.apply(h -> facts(gathered, h));
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
        // results arrive in thread order; report them in plan order
        Map<String, Integer> order = new LinkedHashMap<>();
        int i = 0;
        for (Phase p : phases) {
            for (Map.Entry<Host, List<Step>> e : p.steps().entrySet()) {
                for (Step s : e.getValue()) {
                    order.put(p.name() + "|" + e.getKey().address() + "|" + s.id(), i++);
                }
            }
        }
        List<T> out = new ArrayList<>(items);
        out.sort((a, b) -> Integer.compare(order.getOrDefault(key(a), Integer.MAX_VALUE),
                order.getOrDefault(key(b), Integer.MAX_VALUE)));
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
        return mask(secrets, text);
    }

    /**
     * @param secrets secret values
     * @param text    any text
     * @return the text with every secret of at least {@link #MASK_MIN} characters replaced
     */
    static String mask(Set<String> secrets, String text) {
        String out = text;
        for (String s : secrets) {
            if (s.length() >= MASK_MIN) {
                out = out.replace(s, "******");
            }
        }
        return out;
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
