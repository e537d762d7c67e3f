package io.pigsty.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.StepResult;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.model.PigstyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the root's options, the engine, and applying plans with progress. */
@picocli.CommandLine.Command
abstract class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** @return the root command: every inherited option lands there */
    PigstyCli cli() {
        return (PigstyCli) spec.root().userObject();
    }

    /** @return the engine over the chosen inventory */
    Engine engine() {
        return Engine.open(cli());
    }

    @Override
    public final Integer call() {
        return run();
    }

    /** @return the exit code */
    abstract int run();

    /** The playbooks by their Pigsty names, for {@code plan}, {@code check} and {@code apply}. */
    static final class Playbooks implements Iterable<String> {
        static final List<String> NAMES = List.of("node", "etcd", "pgsql", "pgsql-rm", "pgsql-user", "pgsql-db",
                "pgsql-hba", "pgsql-svc");

        @Override
        public Iterator<String> iterator() {
            return NAMES.iterator();
        }

        /**
         * @param name    playbook name
         * @param cluster cluster (or group) where needed
         * @param arg     user or database name where needed
         * @return the playbook
         */
        static Playbook of(String name, String cluster, String arg) {
            return switch (name) {
                case "etcd" -> Playbook.etcd();
                case "node" -> Playbook.node(need(cluster, "node CLUSTER|GROUP"));
                case "pgsql" -> Playbook.pgsqlCreate(need(cluster, "pgsql CLUSTER"));
                case "pgsql-rm" -> Playbook.pgsqlRemove(need(cluster, "pgsql-rm CLUSTER"));
                case "pgsql-hba" -> Playbook.pgsqlHba(need(cluster, "pgsql-hba CLUSTER"));
                case "pgsql-svc" -> Playbook.pgsqlSvc(need(cluster, "pgsql-svc CLUSTER"));
                case "pgsql-user" -> Playbook.pgsqlUser(need(cluster, "pgsql-user CLUSTER USER"),
                        need(arg, "pgsql-user CLUSTER USER"));
                case "pgsql-db" -> Playbook.pgsqlDb(need(cluster, "pgsql-db CLUSTER DB"), need(arg, "pgsql-db CLUSTER DB"));
                default -> throw new PigstyCli.UsageError("unknown playbook '" + name + "' (known: "
                        + String.join(", ", NAMES) + ")");
            };
        }

        private static String need(String v, String usage) {
            if (v == null) {
                throw new PigstyCli.UsageError("missing argument: the playbook is used as " + usage);
            }
            return v;
        }
    }

    /**
     * Applies plans one after the other (stopping at the first that fails), with progress, the
     * summary table, the failure report, and on Ctrl-C what ran.
     *
     * @param e     the engine
     * @param plans what to apply
     * @return the exit code
     */
    int apply(Engine e, List<Plan> plans) {
        Applied a = applied(e, plans);
        if (cli().json) {
            Out.print(cli(), a.json());
        } else {
            cli().out.print(a.text());
        }
        return a.code();
    }

    /**
     * What an apply did, ready to print.
     *
     * @param code exit code
     * @param json the {@code apply} document
     * @param text the human summary, failures and notes
     */
    record Applied(int code, ObjectNode json, String text) {
    }

    /**
     * Like {@link #apply(Engine, List)}, returning instead of printing the result (progress is printed).
     *
     * @param e     the engine
     * @param plans what to apply
     * @return the result
     */
    Applied applied(Engine e, List<Plan> plans) {
        PigstyCli cli = cli();
        List<StepResult> all = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, String> stopped = new LinkedHashMap<>();
        int total = plans.stream().mapToInt(Plan::stepCount).sum();
        long t0 = System.nanoTime();
        boolean interrupted = false;
        List<String> names = new ArrayList<>();
        boolean terminal = cli.terminal && !cli.json;
        for (Plan plan : plans) {
            names.add(plan.playbook());
            Progress p = new Progress(Out.info(cli), terminal, plan);
            try {
                ApplyResult r = e.apply(plan, p);
                all.addAll(r.steps());
                notes.addAll(r.notes());
                if (!r.ok()) {
                    break;
                }
            } catch (RuntimeException ex) {
                p.stop();
                if (!cli.interrupts.interrupted()) {
                    throw ex;
                }
                Thread.interrupted(); // the report below must be printed, not interrupted
                all.addAll(p.finished());
                stopped.putAll(p.running());
                interrupted = true;
                break;
            }
            if (cli.interrupts.interrupted()) {
                interrupted = true;
                break;
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        boolean ok = !interrupted && all.stream().noneMatch(r -> r.status() == StepStatus.FAILED);
        String title = String.join(" + ", names);
        ObjectNode json = Progress.json(title, all, took, notes, total, stopped, interrupted);
        java.io.StringWriter sw = new java.io.StringWriter();
        java.io.PrintWriter w = new java.io.PrintWriter(sw);
        w.println();
        w.print(Progress.summaryTable(all));
        long changed = all.stream().filter(r -> r.status() == StepStatus.CHANGED).count();
        w.printf("%s: %d/%d steps, %d changed, %d failed in %.1f s%n", title, all.size(), total, changed,
                all.stream().filter(r -> r.status() == StepStatus.FAILED).count(), took.toMillis() / 1000.0);
        w.print(Progress.failures(all));
        if (interrupted) {
            w.println("interrupted (Ctrl-C): " + all.size() + " of " + total + " steps ran; stopped while running: "
                    + (stopped.isEmpty() ? "none" : stopped) + "; " + (total - all.size()) + " not run");
        }
        if (!cli.quiet) {
            notes.forEach(n -> w.println("note: " + n));
        }
        w.flush();
        int code = interrupted ? PigstyCli.INTERRUPTED : ok ? PigstyCli.OK : PigstyCli.FAILED;
        return new Applied(code, json, sw.toString());
    }

    /**
     * Refuses a destructive playbook without {@code --yes}; with it, the playbook may act on a live
     * cluster (the engine still refuses under {@code pg_safeguard}).
     *
     * @param pb  the playbook
     * @param yes the flag
     * @return the playbook to run
     */
    static Playbook confirmed(Playbook pb, boolean yes) {
        if (!Engine.destructive(pb)) {
            return pb;
        }
        if (!yes) {
            throw new PigstyException(pb.name() + " " + pb.cluster().orElse("") + " removes data and services: refused "
                    + "without --yes (pg_safeguard: true in the inventory blocks it even then)");
        }
        return pb.allowLive();
    }

    /**
     * @param list strings
     * @return a JSON array of them
     */
    static ArrayNode array(List<String> list) {
        ArrayNode a = Out.JSON.createArrayNode();
        list.forEach(a::add);
        return a;
    }

    /** @return a new empty JSON object */
    static ObjectNode object() {
        return Out.JSON.createObjectNode();
    }
}
