package io.pigsty.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.CheckReport;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Severity;
import io.pigsty.model.ValidationResult;
import io.pigsty.model.Violation;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code validate}, {@code plan}, {@code check}, {@code apply}: the playbook commands. */
final class PlanCommands {
    private PlanCommands() {
    }

    /** Positional playbook arguments shared by plan, check and apply. */
    @Command
    abstract static class PlaybookArgs extends Base {
        @Parameters(index = "0", paramLabel = "PLAYBOOK", completionCandidates = Base.Playbooks.class,
                description = "node, etcd, pgsql, pgsql-rm, pgsql-user, pgsql-db, pgsql-hba or pgsql-svc.")
        String playbook;

        @Parameters(index = "1", arity = "0..1", paramLabel = "CLUSTER",
                description = "The cluster (or node group) it acts on; etcd needs none.")
        String cluster;

        @Parameters(index = "2", arity = "0..1", paramLabel = "USER|DB",
                description = "The user (pgsql-user) or database (pgsql-db).")
        String arg;

        /**
         * @param e the engine (its inventory names the groups a {@code node} without one could mean)
         * @return the playbook the arguments name
         */
        Playbook playbook(Engine e) {
            if (playbook.equals("node") && cluster == null) {
                List<String> groups = new java.util.ArrayList<>();
                e.inventory().infra().ifPresent(g -> groups.add(g.name()));
                e.inventory().etcd().ifPresent(g -> groups.add(g.name()));
                e.inventory().clusters().forEach(c -> groups.add(c.name()));
                e.inventory().nodeGroups().forEach(g -> groups.add(g.name()));
                throw new PigstyCli.UsageError("node needs the cluster or group it prepares: one of " + String.join(", ", groups)
                        + " (" + e.source() + "), e.g. pigsty " + spec.name() + " node " + (groups.isEmpty() ? "GROUP"
                        : groups.get(groups.size() - 1)));
            }
            return Playbooks.of(playbook, cluster, arg);
        }
    }

    /** {@code pigsty validate}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check the inventory: every problem with its path, errors and warnings (exit 3 on errors).")
    static final class Validate extends Base {
        @Override
        int run() {
            PigstyCli cli = cli();
            try (Engine e = engine()) {
                ValidationResult r = e.validate();
                if (cli.json) {
                    ObjectNode d = Out.doc("validate").put("inventory", e.source()).put("valid", r.isValid());
                    d.set("errors", violations(r.errors()));
                    d.set("warnings", violations(r.warnings()));
                    Out.print(cli, d);
                } else {
                    // the lines, then their count, on one stream (stderr when invalid): never interleaved
                    java.io.PrintStream to = r.isValid() ? cli.out : cli.err;
                    r.violations().forEach(v -> to.println(v.severity().name().toLowerCase() + ": " + v));
                    to.println(e.source() + ": " + (r.isValid() ? "valid (" + r.warnings().size() + " warnings)"
                            : r.errors().size() + " errors, " + r.warnings().size() + " warnings"));
                }
                return r.isValid() ? PigstyCli.OK : PigstyCli.INVALID;
            }
        }

        private static ArrayNode violations(List<Violation> vs) {
            ArrayNode a = Out.JSON.createArrayNode();
            vs.forEach(v -> a.addObject().put("path", v.path()).put("message", v.reason()));
            return a;
        }
    }

    /** {@code pigsty plan PLAYBOOK [CLUSTER] [USER|DB]}. */
    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Render a playbook's plan offline: per phase and host the steps, files and commands "
                    + "(secrets masked). Touches no host.")
    static final class PlanCmd extends PlaybookArgs {
        @Override
        int run() {
            PigstyCli cli = cli();
            try (Engine e = engine()) {
                Plan plan = e.offlinePlan(playbook(e));
                if (cli.json) {
                    ObjectNode rendered = (ObjectNode) read(plan.render().toJson());
                    ObjectNode d = Out.doc("plan");
                    d.setAll(rendered);
                    d.put("steps", plan.stepCount());
                    Out.print(cli, d);
                } else {
                    cli.out.print(plan.render().toText());
                }
                return PigstyCli.OK;
            }
        }

        private static com.fasterxml.jackson.databind.JsonNode read(String json) {
            try {
                return Out.JSON.readTree(json);
            } catch (java.io.IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** {@code pigsty check PLAYBOOK [CLUSTER] [USER|DB]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Read-only: what the playbook would change on the hosts (diffs), after the preflight; "
                    + "changes nothing.",
                "Exit 0: converged, nothing to change; 4: changes pending (as terraform plan -detailed-exitcode); "
                    + "1: the preflight found problems (apply would refuse) or a host failed; 2, 3: usage, inventory."})
    static final class Check extends PlaybookArgs {
        @Override
        int run() {
            PigstyCli cli = cli();
            try (Engine e = engine()) {
                CheckReport r = e.check(playbook(e));
                int code = exitCode(r);
                if (cli.json) {
                    ObjectNode d = Out.doc("check").put("playbook", r.playbook()).put("converged", r.converged())
                            .put("steps", r.entries().size()).put("exit_code", code);
                    ArrayNode ch = d.putArray("changes");
                    r.changes().forEach(c -> ch.addObject().put("phase", c.phase()).put("host", c.host())
                            .put("step", c.stepId()).put("diff", c.change().orElse("")));
                    d.set("notes", array(r.notes()));
                    Out.print(cli, d);
                } else {
                    cli.out.print(r.toText());
                    long refused = preflightProblems(r);
                    cli.out.println(r.playbook() + ": " + (r.converged() ? "no changes (" + r.entries().size()
                            + " steps converged)" : refused > 0 ? "the preflight refuses " + refused + " host(s); apply "
                            + "would change nothing" : r.changes().size() + " of " + r.entries().size()
                            + " steps would change"));
                }
                return code;
            }
        }

        /**
         * @param r a check
         * @return {@link PigstyCli#OK} converged, {@link PigstyCli#FAILED} when the preflight refuses a host,
         *         else {@link PigstyCli#CHANGES}
         */
        static int exitCode(CheckReport r) {
            return r.converged() ? PigstyCli.OK : preflightProblems(r) > 0 ? PigstyCli.FAILED : PigstyCli.CHANGES;
        }

        private static long preflightProblems(CheckReport r) {
            return r.changes().stream().filter(c -> c.phase().equals(Plan.PREFLIGHT)).count();
        }
    }

    /** {@code pigsty apply PLAYBOOK [CLUSTER] [USER|DB]}. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Converge the hosts with a playbook (idempotent: a second apply changes nothing). "
                    + "Shows per phase which hosts run which step, then a summary per host.")
    static final class Apply extends PlaybookArgs {
        @Option(names = "--yes", description = "Confirm a destructive playbook (pgsql-rm); pg_safeguard still wins.")
        boolean yes;

        @Override
        int run() {
            try (Engine e = engine()) {
                Playbook pb = confirmed(playbook(e), yes);
                return apply(e, List.of(e.plan(pb)));
            }
        }
    }
}
