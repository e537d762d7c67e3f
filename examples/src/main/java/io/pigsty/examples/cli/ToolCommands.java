package io.pigsty.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.model.Inventory;
import io.pigsty.model.Param;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgUser;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Secret;
import io.pigsty.sandbox.Sandbox;
import io.pigsty.sandbox.SandboxNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code passwords}, {@code sandbox}, {@code completion}, {@code schema}. */
final class ToolCommands {
    private ToolCommands() {
    }

    /** {@code pigsty passwords [-o FILE] [--force] [--show]}. */
    @Command(name = "passwords", mixinStandardHelpOptions = true,
            description = "Write a copy of the inventory with every default credential and user password replaced by a "
                    + "strong random one (24 letters and digits). The passwords are not printed unless --show.")
    static final class Passwords extends Base {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write (default ./pigsty.yml).")
        Path output = Path.of("pigsty.yml");

        @Option(names = "--force", description = "Overwrite FILE if it exists.")
        boolean force;

        @Option(names = "--show", description = "Also print the generated passwords.")
        boolean show;

        @Override
        int run() {
            PigstyCli cli = cli();
            try (Engine e = engine()) {
                Inventory before = e.validated();
                if (Files.exists(output) && !force) {
                    throw new PigstyException("passwords: " + output + " exists; refused without --force (a deployed "
                            + "inventory's passwords must not change behind its hosts)");
                }
                Inventory after = before.withGeneratedPasswords(new SecureRandom());
                Map<String, String> generated = generated(before, after);
                try {
                    Files.writeString(output, after.toYaml(), StandardCharsets.UTF_8);
                    try {
                        Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException ignored) {
                        // not a POSIX file system: the file keeps its default mode
                    }
                } catch (IOException ex) {
                    throw new UncheckedIOException("passwords: cannot write " + output + ": " + ex.getMessage(), ex);
                }
                if (cli.json) {
                    ObjectNode d = Out.doc("passwords").put("file", output.toString()).put("shown", show);
                    d.set("generated", array(List.copyOf(generated.keySet())));
                    if (show) {
                        ObjectNode p = d.putObject("passwords");
                        generated.forEach(p::put);
                    }
                    Out.print(cli, d);
                } else {
                    cli.out.println("wrote " + output + " (mode 0600): " + generated.size() + " passwords generated for "
                            + String.join(", ", generated.keySet()));
                    if (show) {
                        generated.forEach((k, v) -> cli.out.println("  " + k + " = " + v));
                    } else {
                        cli.out.println("not printed: they are in the file (or run again with --show)");
                    }
                }
                return PigstyCli.OK;
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, String> generated(Inventory before, Inventory after) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Param<?> p : Params.all()) {
                if (!p.secret()) {
                    continue;
                }
                Optional<Secret> a = after.resolveGlobal().find((Param<Secret>) p);
                if (a.isPresent() && !a.equals(before.resolveGlobal().find((Param<Secret>) p))) {
                    out.put(p.name(), a.get().reveal());
                }
            }
            for (PgCluster c : after.clusters()) {
                for (PgUser u : c.users()) {
                    Optional<PgUser> old = before.requireCluster(c.name()).users().stream()
                            .filter(x -> x.name().equals(u.name())).findFirst();
                    if (u.password().isPresent() && !u.password().equals(old.flatMap(PgUser::password))) {
                        out.put(c.name() + ".pg_users." + u.name(), u.password().get().reveal());
                    }
                }
            }
            return out;
        }
    }

    /** {@code pigsty sandbox up|down|status}. */
    @Command(name = "sandbox", mixinStandardHelpOptions = true,
            description = "The local sandbox (root, Linux): systemd-nspawn nodes on 10.213.0.0/24 deployed with the "
                    + "inventory's playbooks.",
            subcommands = {SandboxCmd.Up.class, SandboxCmd.Down.class, SandboxCmd.State.class})
    static final class SandboxCmd extends Base {
        @Override
        int run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "sandbox needs up, down or status");
        }

        /** {@code sandbox up}. */
        @Command(name = "up", mixinStandardHelpOptions = true,
                description = "Start the nodes, then apply node, etcd and pgsql for every cluster; print status and URLs.")
        static final class Up extends Base {
            @Override
            int run() {
                PigstyCli cli = cli();
                try (Engine e = engine()) {
                    int code = SandboxCommand.up(e.validated(), Out.info(cli), cli.err);
                    if (cli.json) {
                        Out.print(cli, Out.doc("sandbox").put("action", "up").put("ok", code == 0));
                    }
                    return code;
                }
            }
        }

        /** {@code sandbox down}. */
        @Command(name = "down", mixinStandardHelpOptions = true,
                description = "Stop every node and remove namespaces, links and overlays (the template stays cached).")
        static final class Down extends Base {
            @Override
            int run() {
                PigstyCli cli = cli();
                try (Engine e = engine()) {
                    int code = SandboxCommand.down(e.validated(), Out.info(cli));
                    if (cli.json) {
                        Out.print(cli, Out.doc("sandbox").put("action", "down").put("ok", code == 0));
                    }
                    return code;
                }
            }
        }

        /** {@code sandbox status}. */
        @Command(name = "status", mixinStandardHelpOptions = true,
                description = "Which sandbox nodes run, and each cluster's members when they answer.")
        static final class State extends Base {
            @Override
            int run() {
                PigstyCli cli = cli();
                try (Engine e = engine()) {
                    Inventory inv = e.validated();
                    Sandbox sb = Sandbox.builder().nodes(Math.max(1, inv.hosts().size())).build();
                    ObjectNode d = Out.doc("sandbox").put("action", "status");
                    ArrayNode nodes = d.putArray("nodes");
                    List<List<String>> rows = new ArrayList<>();
                    boolean up = true;
                    for (SandboxNode n : sb.nodes()) {
                        boolean running = n.isRunning();
                        up &= running;
                        nodes.addObject().put("name", n.name()).put("ip", n.ip()).put("running", running);
                        rows.add(List.of(n.name(), n.ip(), running ? "running" : "stopped"));
                    }
                    ArrayNode cs = d.putArray("clusters");
                    if (!cli.json) {
                        cli.out.print(Out.table(List.of("NODE", "IP", "STATE"), rows));
                    }
                    if (up) {
                        for (PgCluster c : inv.clusters()) {
                            try {
                                ClusterStatus s = e.ops(c.name()).status();
                                cs.add(Out.status(s));
                                if (!cli.json) {
                                    cli.out.println(c.name() + ":");
                                    cli.out.print(s.toTable().indent(2));
                                }
                            } catch (PigstyException ex) {
                                cs.addObject().put("cluster", c.name()).put("error", ex.getMessage());
                                if (!cli.json) {
                                    cli.out.println(c.name() + ": not answering: " + ex.getMessage());
                                }
                            }
                        }
                    }
                    d.put("ok", up);
                    if (cli.json) {
                        Out.print(cli, d);
                    } else if (!up) {
                        cli.out.println("sandbox is not (fully) up: ./pigsty sandbox up");
                    }
                    return up ? PigstyCli.OK : PigstyCli.FAILED;
                }
            }
        }
    }

    /** {@code pigsty completion [--print] [--dir DIR]}. */
    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = "Install bash completion for pigsty (generated by picocli from these commands): into "
                    + "/etc/bash_completion.d when writable, else ~/.local/share/bash-completion/completions.")
    static final class Completion extends Base {
        @Option(names = "--print", description = "Print the script instead of installing it.")
        boolean print;

        @Option(names = "--dir", paramLabel = "DIR", description = "Install into DIR.")
        Path dir;

        @Override
        int run() {
            PigstyCli cli = cli();
            String script = AutoComplete.bash("pigsty", spec.root().commandLine());
            if (print) {
                cli.out.print(script);
                return PigstyCli.OK;
            }
            Path target = dir;
            if (target == null) {
                Path etc = Path.of("/etc/bash_completion.d");
                target = Files.isDirectory(etc) && Files.isWritable(etc) ? etc
                        : Path.of(System.getProperty("user.home"), ".local/share/bash-completion/completions");
            }
            Path file = target.resolve("pigsty");
            try {
                Files.createDirectories(target);
                Files.writeString(file, script, StandardCharsets.UTF_8);
            } catch (IOException ex) {
                throw new UncheckedIOException("completion: cannot write " + file + ": " + ex.getMessage(), ex);
            }
            if (cli.json) {
                Out.print(cli, Out.doc("completion").put("file", file.toString()));
            } else {
                cli.out.println("installed " + file + "; open a new shell, or: source " + file);
            }
            return PigstyCli.OK;
        }
    }

    /** {@code pigsty schema}. */
    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON schema of every --json document (keyed by its \"command\").")
    static final class Schema extends Base {
        @Override
        int run() {
            cli().out.print(text());
            return PigstyCli.OK;
        }

        /** @return the schema shipped in the jar */
        static String text() {
            try (InputStream in = Schema.class.getResourceAsStream("output.schema.json")) {
                if (in == null) {
                    throw new IllegalStateException("output.schema.json missing from the jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
