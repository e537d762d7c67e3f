package io.pigsty.examples.cli;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.Inventory;
import io.pigsty.model.PigstyException;
import io.pigsty.model.ValidationResult;
import io.pigsty.model.Violation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line entry ({@code ./pigsty ...} or {@code java -jar examples/target/pigsty-cli.jar ...}).
 *
 * <pre>
 * validate [--inventory FILE]                    check an inventory, every problem with its path
 * plan PLAYBOOK [CLUSTER] [ARG] [--inventory FILE] [--json]
 *                                                render a plan offline: steps, files, commands
 * sandbox up | down                              local sandbox: nodes + node prep + etcd + every cluster
 * </pre>
 * Without {@code --inventory} the shipped {@code sandbox} sample is used.
 */
public final class PigstyCli {
    private PigstyCli() {
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @param args command line
     * @param out  standard output
     * @param err  standard error
     * @return exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> words = new ArrayList<>();
        String inventory = null;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--inventory", "-i" -> {
                    if (i + 1 >= args.length) {
                        err.println("pigsty: --inventory needs a file");
                        return 2;
                    }
                    inventory = args[++i];
                }
                case "--json" -> json = true;
                default -> words.add(args[i]);
            }
        }
        if (words.isEmpty() || words.get(0).equals("help") || words.get(0).equals("--help")) {
            out.println(usage());
            return words.isEmpty() ? 2 : 0;
        }
        if (inventory == null && words.size() == 2 && words.get(0).equals("validate")) {
            inventory = words.remove(1); // pigsty validate FILE, same as pigsty validate -i FILE
        }
        try {
            Inventory inv = inventory == null ? Inventory.sample("sandbox")
                    : Inventory.parseUnvalidated(java.nio.file.Files.readString(Path.of(inventory)), inventory);
            switch (words.get(0)) {
                case "validate" -> {
                    ValidationResult r = inv.validate();
                    r.violations().forEach(v -> (v.severity() == io.pigsty.model.Severity.ERROR ? err : out)
                            .println(v.severity().name().toLowerCase() + ": " + v));
                    out.println(r.isValid() ? "inventory is valid (" + r.warnings().size() + " warnings)"
                            : r.errors().size() + " errors");
                    return r.isValid() ? 0 : 1;
                }
                case "plan" -> {
                    Plan plan = Pigsty.builder().inventory(inv).build().plan(playbook(words.subList(1, words.size())));
                    out.print(json ? plan.render().toJson() : plan.render().toText());
                    return 0;
                }
                case "sandbox" -> {
                    String sub = words.size() > 1 ? words.get(1) : "";
                    inv.validate().orThrow();
                    return switch (sub) {
                        case "up" -> SandboxCommand.up(inv, out, err);
                        case "down" -> SandboxCommand.down(inv, out);
                        default -> {
                            err.println("pigsty: sandbox up | sandbox down");
                            yield 2;
                        }
                    };
                }
                case "switchover" -> {
                    inv.validate().orThrow();
                    return io.pigsty.examples.VendorSwitchover.run(inv, need(words.size() > 1 ? words.get(1) : null,
                            "switchover CLUSTER"), java.util.Optional.ofNullable(words.size() > 2 ? words.get(2) : null), out);
                }
                default -> {
                    err.println("pigsty: unknown command '" + words.get(0) + "'\n" + usage());
                    return 2;
                }
            }
        } catch (io.pigsty.model.ValidationException e) {
            err.println("pigsty: " + e.getMessage());
            return 1;
        } catch (PigstyException e) {
            err.println("pigsty: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            err.println("pigsty: cannot read inventory: " + e.getMessage());
            return 1;
        }
    }

    static Playbook playbook(List<String> w) {
        if (w.isEmpty()) {
            throw new io.pigsty.model.InvalidValueException("plan", null, "needs a playbook: node, etcd, pgsql, pgsql-rm, "
                    + "pgsql-user, pgsql-db, pgsql-hba, pgsql-svc");
        }
        String cluster = w.size() > 1 ? w.get(1) : null;
        String arg = w.size() > 2 ? w.get(2) : null;
        return switch (w.get(0)) {
            case "etcd" -> Playbook.etcd();
            case "node" -> Playbook.node(need(cluster, "node"));
            case "pgsql" -> Playbook.pgsqlCreate(need(cluster, "pgsql"));
            case "pgsql-rm" -> Playbook.pgsqlRemove(need(cluster, "pgsql-rm"));
            case "pgsql-hba" -> Playbook.pgsqlHba(need(cluster, "pgsql-hba"));
            case "pgsql-svc" -> Playbook.pgsqlSvc(need(cluster, "pgsql-svc"));
            case "pgsql-user" -> Playbook.pgsqlUser(need(cluster, "pgsql-user"), need(arg, "pgsql-user CLUSTER"));
            case "pgsql-db" -> Playbook.pgsqlDb(need(cluster, "pgsql-db"), need(arg, "pgsql-db CLUSTER"));
            default -> throw new io.pigsty.model.InvalidValueException("playbook", w.get(0), "unknown playbook");
        };
    }

    private static String need(String v, String what) {
        if (v == null) {
            throw new io.pigsty.model.InvalidValueException(what, null, "needs one more argument");
        }
        return v;
    }

    static String usage() {
        return String.join("\n",
                "usage: pigsty COMMAND [--inventory FILE]   (default inventory: the shipped sandbox sample)",
                "  validate                               check the inventory: every problem with its path",
                "  plan PLAYBOOK [CLUSTER] [USER|DB] [--json]",
                "                                         render a plan offline (node etcd pgsql pgsql-rm",
                "                                         pgsql-user pgsql-db pgsql-hba pgsql-svc)",
                "  sandbox up|down                        local sandbox (root): nodes, then node, etcd and pgsql",
                "                                         for every cluster of the inventory; down removes all",
                "  switchover CLUSTER [MEMBER]            move the primary (to MEMBER, or Patroni's choice) and",
                "                                         print the cluster before and after");
    }
}
