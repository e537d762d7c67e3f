package io.pigsty.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.ha.ops.MemberStatus;
import io.pigsty.ha.ops.OperationResult;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Output rules in one place: with {@code --json} exactly one JSON document on stdout (its shape
 * is {@code output.schema.json} beside this class, keyed by {@code command}) and everything else
 * on stderr; without it, human tables on stdout; {@code --quiet} drops notes and progress.
 */
final class Out {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    private Out() {
    }

    /**
     * @param command the command's name, the document's {@code command}
     * @return a new document
     */
    static ObjectNode doc(String command) {
        return JSON.createObjectNode().put("command", command);
    }

    /**
     * @param cli the flags and streams
     * @param doc the one document of this run
     */
    static void print(PigstyCli cli, ObjectNode doc) {
        try {
            cli.out.println(JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param cli the flags and streams
     * @return where notes and progress go: stdout for humans, stderr under {@code --json}, nowhere when quiet
     */
    static PrintStream info(PigstyCli cli) {
        return cli.quiet ? NOWHERE : cli.json ? cli.err : cli.out;
    }

    /**
     * @param headers column titles
     * @param rows    cells
     * @return an aligned text table
     */
    static String table(List<String> headers, List<List<String>> rows) {
        int[] w = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < w.length && i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                String cell = i < r.size() ? r.get(i) : "";
                line.append(i == w.length - 1 ? cell : String.format("%-" + w[i] + "s  ", cell));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * @param s a cluster status
     * @return it as JSON
     */
    static ObjectNode status(ClusterStatus s) {
        ObjectNode n = JSON.createObjectNode().put("cluster", s.cluster()).put("paused", s.paused())
                .put("leader", s.leader().map(MemberStatus::name).orElse(null)).put("timeline", s.timeline());
        ArrayNode ms = n.putArray("members");
        for (MemberStatus m : s.members()) {
            ObjectNode o = ms.addObject().put("name", m.name()).put("host", m.host()).put("port", m.port())
                    .put("role", m.role()).put("state", m.state()).put("timeline", m.timeline())
                    .put("pending_restart", m.pendingRestart());
            if (m.lagBytes().isPresent()) {
                o.put("lag_bytes", m.lagBytes().getAsLong());
            } else {
                o.putNull("lag_bytes");
            }
        }
        return n;
    }

    /**
     * @param command the CLI command
     * @param r       an operation's result
     * @return it as JSON
     */
    static ObjectNode operation(String command, OperationResult r) {
        ObjectNode d = doc(command).put("operation", r.operation()).put("ok", true)
                .put("elapsed_ms", r.elapsed().toMillis())
                .put("leader_before", r.before().leader().map(MemberStatus::name).orElse(null))
                .put("leader", r.after().leader().map(MemberStatus::name).orElse(null));
        d.set("before", status(r.before()));
        d.set("after", status(r.after()));
        ArrayNode obs = d.putArray("observations");
        r.observations().forEach(obs::add);
        return d;
    }

    /**
     * Prints an operation's result: the table after it and what was seen, or its JSON.
     *
     * @param cli     flags and streams
     * @param command the CLI command
     * @param r       the result
     */
    static void operation(PigstyCli cli, String command, OperationResult r) {
        if (cli.json) {
            print(cli, operation(command, r));
            return;
        }
        cli.out.println(r.operation() + ": done in " + r.elapsed().toMillis() + " ms");
        cli.out.print(r.after().toTable());
        if (!cli.quiet) {
            r.observations().forEach(o -> cli.out.println("  " + o));
        }
    }
}
