package io.pigsty.api.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plan as offline text or JSON: per phase, per host, each step with every file (full content,
 * mode, owner) and every command. Deterministic. Known secrets are masked everywhere except in
 * the content of files that must hold them (mode 0600), whose content is shown only on request.
 */
public final class RenderedPlan {
    private final String playbook;
    private final List<Phase> phases;
    private final Set<String> secrets;

    RenderedPlan(String playbook, List<Phase> phases, Set<String> secrets) {
        this.playbook = playbook;
        this.phases = phases;
        this.secrets = secrets;
    }

    /** @return human text, secret files summarised by size and digest */
    public String toText() {
        return toText(false);
    }

    /**
     * @param revealSecretFiles true to print the content of files that hold secrets
     * @return human text
     */
    public String toText(boolean revealSecretFiles) {
        StringBuilder sb = new StringBuilder("# plan ").append(playbook).append('\n');
        for (Phase phase : phases) {
            sb.append("\n## phase ").append(phase.name()).append('\n');
            for (Map.Entry<Host, List<Step>> e : phase.steps().entrySet()) {
                sb.append("\n### host ").append(e.getKey()).append('\n');
                int n = 0;
                for (Step s : e.getValue()) {
                    Rendered r = s.render();
                    sb.append(++n).append(". ").append(s.id()).append(": ").append(mask(s.description())).append('\n');
                    for (FileSpec f : r.files()) {
                        sb.append("   file ").append(f.path()).append(' ').append(f.mode()).append(' ').append(f.owner())
                                .append(':').append(f.group()).append(f.secret() ? " (secret)" : "").append('\n');
                        sb.append(content(f, revealSecretFiles).indent(6));
                    }
                    for (Command c : r.commands()) {
                        sb.append("   run ").append(c.user().map(u -> "[" + u + "] ").orElse(""))
                                .append(mask(c.display())).append('\n');
                    }
                    for (String note : r.notes()) {
                        sb.append(mask(note).indent(3).replaceFirst("^   ", "   # "));
                    }
                }
            }
        }
        return sb.toString();
    }

    /** @return JSON with the same content as {@link #toText()} */
    public String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode().put("playbook", playbook);
        ArrayNode ps = root.putArray("phases");
        for (Phase phase : phases) {
            ObjectNode p = ps.addObject().put("name", phase.name());
            ArrayNode hosts = p.putArray("hosts");
            for (Map.Entry<Host, List<Step>> e : phase.steps().entrySet()) {
                ObjectNode h = hosts.addObject().put("address", e.getKey().address()).put("name", e.getKey().name());
                ArrayNode steps = h.putArray("steps");
                for (Step s : e.getValue()) {
                    Rendered r = s.render();
                    ObjectNode st = steps.addObject().put("id", s.id()).put("description", mask(s.description()));
                    ArrayNode files = st.putArray("files");
                    for (FileSpec f : r.files()) {
                        files.addObject().put("path", f.path()).put("mode", f.mode()).put("owner", f.owner())
                                .put("group", f.group()).put("secret", f.secret()).put("content", content(f, false));
                    }
                    ArrayNode cmds = st.putArray("commands");
                    r.commands().forEach(c -> cmds.addObject().put("user", c.user().orElse(""))
                            .put("command", mask(c.display())));
                    ArrayNode notes = st.putArray("notes");
                    r.notes().forEach(n -> notes.add(mask(n)));
                }
            }
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String content(FileSpec f, boolean reveal) {
        if (f.secret() && !reveal) {
            return "<secret content: " + f.content().length + " bytes, sha256 " + sha256(f.content()).substring(0, 16)
                    + ">";
        }
        return f.secret() ? f.text() : mask(f.text());
    }

    private String mask(String text) {
        return Plan.mask(secrets, text);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
