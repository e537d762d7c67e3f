package io.pigsty.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.plan.StepResult;
import io.pigsty.api.plan.StepStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The progress of one apply, and its summary. On a terminal one status line is redrawn in place
 * ({@code pgsql pg-test  [pg-replica] 61/162 steps  2 hosts busy  00:14  10.213.0.12 patroni:replica, ...}),
 * with a line per phase and per changed or failed step above it; elsewhere plain lines only. It
 * keeps what ran, so an interrupted apply (Ctrl-C) can still say what ran and what did not.
 */
final class Progress implements PlanListener {
    private final PrintStream to;
    private final boolean terminal;
    private final String title;
    private final Map<String, List<String>> phaseHosts = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, String> busy = new LinkedHashMap<>();
    private final List<StepResult> finished = new ArrayList<>();
    private final int width;
    private ScheduledExecutorService ticker;
    private String phase = "";
    private int total;
    private long t0 = System.nanoTime();
    private boolean drawn;

    /**
     * @param to       where progress goes
     * @param terminal redraw in place
     * @param plan     the plan (its phases name the hosts of each phase)
     */
    Progress(PrintStream to, boolean terminal, Plan plan) {
        this.to = to;
        this.terminal = terminal;
        this.title = plan.playbook();
        this.total = plan.stepCount();
        for (Phase p : plan.phases()) {
            phaseHosts.put(p.name(), p.steps().keySet().stream().map(Host::address).toList());
        }
        plan.hosts().forEach(h -> names.put(h.address(), h.name()));
        int cols = 120;
        try {
            cols = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120"));
        } catch (NumberFormatException ignored) {
            // keep 120
        }
        this.width = Math.max(40, cols - 1);
    }

    @Override
    public synchronized void planStarted(String playbook, int steps) {
        total = steps;
        t0 = System.nanoTime();
        if (!terminal) {
            to.printf("== %s: %d steps on %d hosts%n", title, steps, names.size());
            return;
        }
        to.printf("== %s: %d steps on %d hosts%n", title, steps, names.size());
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pigsty-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void stepStarted(String phase, String host, String stepId) {
        if (!phase.equals(this.phase)) {
            this.phase = phase;
            line("[" + phase + "] " + String.join(" ", phaseHosts.getOrDefault(phase, List.of(host))));
        }
        busy.put(host, stepId);
        redraw();
    }

    @Override
    public synchronized void stepFinished(StepResult r) {
        finished.add(r);
        if (busy.getOrDefault(r.host(), "").equals(r.stepId())) {
            busy.remove(r.host());
        }
        if (!terminal || r.status() == StepStatus.CHANGED || r.status() == StepStatus.FAILED) {
            line(String.format("  %-8s %-15s %-40s %6d ms", r.status(), r.host(), r.stepId(), r.duration().toMillis()));
        }
        redraw();
    }

    @Override
    public synchronized void planFinished(ApplyResult result) {
        stop();
    }

    /** Stops redrawing and clears the status line. */
    synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        if (drawn) {
            to.print("\r\033[K");
            to.flush();
            drawn = false;
        }
    }

    /** @return the status line as it is now */
    synchronized String statusLine() {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        String line = String.format("%s  [%s] %d/%d steps  %d host%s busy  %02d:%02d", title, phase, finished.size(), total,
                busy.size(), busy.size() == 1 ? "" : "s", s / 60, s % 60);
        // which host runs which step, as many as the terminal's width shows
        List<String> steps = new ArrayList<>();
        busy.forEach((h, step) -> steps.add(h + " " + step));
        if (!steps.isEmpty()) {
            line += "  " + String.join(", ", steps);
        }
        return line.length() > width ? line.substring(0, width - 3) + "..." : line;
    }

    private void redraw() {
        synchronized (this) {
            if (!terminal || ticker == null) {
                return;
            }
            to.print("\r\033[K" + statusLine());
            to.flush();
            drawn = true;
        }
    }

    private void line(String text) {
        if (terminal && drawn) {
            to.print("\r\033[K");
            drawn = false;
        }
        to.println(text);
    }

    /** @return the steps finished so far, in the order they finished */
    synchronized List<StepResult> finished() {
        return List.copyOf(finished);
    }

    /** @return steps started but not finished (what Ctrl-C stopped), as host to step */
    synchronized Map<String, String> running() {
        return Map.copyOf(busy);
    }

    /** @return the number of steps the plan has */
    synchronized int total() {
        return total;
    }

    // ---- the summary -------------------------------------------------------------------------

    /**
     * @param steps what ran
     * @return per host: ok, changed, failed, skipped, busy time
     */
    static String summaryTable(List<StepResult> steps) {
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : perHost(steps).entrySet()) {
            long[] c = e.getValue();
            rows.add(List.of(e.getKey(), Long.toString(c[0]), Long.toString(c[1]), Long.toString(c[2]),
                    Long.toString(c[3]), String.format("%.1f s", c[4] / 1000.0)));
        }
        return Out.table(List.of("HOST", "OK", "CHANGED", "FAILED", "SKIPPED", "TIME"), rows);
    }

    /** ok, changed, failed, skipped, milliseconds; by host in first-seen order. */
    private static Map<String, long[]> perHost(List<StepResult> steps) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (StepResult r : steps) {
            long[] c = out.computeIfAbsent(r.host(), k -> new long[5]);
            c[r.status().ordinal()]++;
            c[4] += r.duration().toMillis();
        }
        return out;
    }

    /**
     * The failure report: each failed step with its host, the command (masked by the engine) and
     * the tail of its stderr, then what was left undone.
     *
     * @param steps what ran
     * @return the report, empty when nothing failed
     */
    static String failures(List<StepResult> steps) {
        StringBuilder sb = new StringBuilder();
        for (StepResult r : steps) {
            if (r.status() != StepStatus.FAILED) {
                continue;
            }
            sb.append("FAILED ").append(r.stepId()).append(" on ").append(r.host()).append(" [").append(r.phase())
                    .append("]\n");
            String msg = r.error().orElse("");
            int open = msg.indexOf(" [");
            // the command may hold brackets itself ([ -f x ]): its end is where the exit status or stderr begins
            int close = open < 0 ? -1 : msg.indexOf("] exit ", open);
            if (close < 0 && open >= 0) {
                close = msg.indexOf("]: ", open);
            }
            if (close < 0) {
                close = msg.lastIndexOf(']');
            }
            if (open > 0 && close > open) {
                sb.append("  error:   ").append(msg, 0, open).append('\n');
                sb.append("  command: ").append(msg.substring(open + 2, close).replaceFirst("^env " + Conn.MARKER
                        + "=\\w+ ", "")).append('\n');
                String rest = msg.substring(close + 1).replaceFirst("^:\\s*", "").strip();
                if (!rest.isEmpty()) {
                    sb.append("  stderr (tail):\n").append(tail(rest, 10).indent(4));
                }
            } else {
                sb.append("  error:   ").append(msg).append('\n');
            }
        }
        List<StepResult> skipped = steps.stream().filter(r -> r.status() == StepStatus.SKIPPED).toList();
        if (!skipped.isEmpty()) {
            Map<String, List<String>> byHost = new LinkedHashMap<>();
            skipped.forEach(r -> byHost.computeIfAbsent(r.host(), k -> new ArrayList<>()).add(r.stepId()));
            sb.append("left undone: ").append(skipped.size()).append(" step(s)\n");
            byHost.forEach((h, s) -> sb.append("  ").append(h).append(": ").append(s.size()).append(" (from ")
                    .append(s.get(0)).append(")\n"));
        }
        return sb.toString();
    }

    private static String tail(String text, int lines) {
        String[] l = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(l, Math.max(0, l.length - lines), l.length));
    }

    /**
     * @param playbook  the plan's name
     * @param steps     what ran
     * @param duration  wall time
     * @param notes     remarks
     * @param total     steps in the plan
     * @param running   steps stopped while running (Ctrl-C)
     * @param interrupted true when Ctrl-C stopped the apply
     * @return the apply document
     */
    static ObjectNode json(String playbook, List<StepResult> steps, Duration duration, List<String> notes, int total,
                           Map<String, String> running, boolean interrupted) {
        boolean ok = !interrupted && steps.stream().noneMatch(r -> r.status() == StepStatus.FAILED);
        ObjectNode d = Out.doc("apply").put("playbook", playbook).put("ok", ok).put("interrupted", interrupted)
                .put("duration_ms", duration.toMillis()).put("steps_total", total).put("steps_run", steps.size());
        ArrayNode hosts = d.putArray("hosts");
        perHost(steps).forEach((h, c) -> hosts.addObject().put("host", h).put("ok", c[0]).put("changed", c[1])
                .put("failed", c[2]).put("skipped", c[3]).put("time_ms", c[4]));
        ArrayNode st = d.putArray("steps");
        for (StepResult r : steps) {
            ObjectNode o = st.addObject().put("phase", r.phase()).put("host", r.host()).put("step", r.stepId())
                    .put("status", r.status().name().toLowerCase()).put("duration_ms", r.duration().toMillis());
            if (r.error().isPresent()) {
                o.put("error", r.error().get());
            } else {
                o.putNull("error");
            }
        }
        ArrayNode stopped = d.putArray("stopped");
        running.forEach((h, s) -> stopped.addObject().put("host", h).put("step", s));
        ArrayNode n = d.putArray("notes");
        notes.forEach(n::add);
        return d;
    }
}
