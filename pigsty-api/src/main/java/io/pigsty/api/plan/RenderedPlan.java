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

/**
 * A plan as offline text or JSON: per phase, per host, each step with every file (full content,
 * mode, owner) and every command. Deterministic. Known secrets are masked everywhere except in
 * the content of files that must hold them (mode 0600), whose content is shown only on request.
 */
public final class RenderedPlan {
    private final FailurePolicy failurePolicy;
    private final String playbook;
    private final List<Phase> phases;
    private final Masker masker;

    RenderedPlan(String playbook, List<Phase> phases, Masker masker, FailurePolicy failurePolicy) {
        this.failurePolicy = failurePolicy;
        this.playbook = playbook;
        this.phases = phases;
        this.masker = masker;
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
        // built as a list of pieces joined once at the end: the large file contents that many plans share (the
        // exporter's collectors, most of a plan's text) are then copied once, into the result, instead of into a
        // half-megabyte builder first and out of it again
        Text out = new Text();
        StringBuilder sb = out.sb.append("# plan ").append(playbook).append('\n');
        if (failurePolicy == FailurePolicy.HALT_ALL) {
            // the default needs no line: golden plans stay as they were, and the exception stands out
            sb.append("# on failure: every host stops (HALT_ALL)\n");
        }
        // several hosts of a plan deploy the same file spec (the exporter's collectors): mask and indent it once
        Map<FileSpec, String> written = new java.util.IdentityHashMap<>();
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
                        String known = written.get(f);
                        if (known == null) {
                            known = masker.shown(f);
                        }
                        if (known != null) {
                            out.piece(known);
                            continue;
                        }
                        String text = content(f, revealSecretFiles);
                        if (text.length() < SHARED_MIN_CHARS) {
                            // a small file of this plan only: laid out in place
                            indent(sb, text, "      ", "      ");
                            continue;
                        }
                        StringBuilder fb = new StringBuilder(text.length() + text.length() / 8 + 16);
                        indent(fb, text, "      ", "      ");
                        String shown = fb.toString();
                        written.put(f, shown);
                        if (masker.keeps(f, shown.length())) {
                            masker.shown(f, shown);
                        }
                        out.piece(shown);
                    }
                    for (Command c : r.commands()) {
                        sb.append("   run ").append(c.user().map(u -> "[" + u + "] ").orElse(""))
                                .append(mask(c.display())).append('\n');
                    }
                    for (String note : r.notes()) {
                        indent(sb, mask(note), "   # ", "   ");
                    }
                }
            }
        }
        return out.join();
    }

    /** Files at least this long are kept apart from the text around them, to be copied only once. */
    private static final int SHARED_MIN_CHARS = 1024;

    /** A text as pieces: a builder for the small parts, and large strings kept as they are until the end. */
    private static final class Text {
        private final List<String> pieces = new java.util.ArrayList<>(64);
        private final StringBuilder sb = new StringBuilder(16 * 1024);

        void piece(String s) {
            flush();
            pieces.add(s);
        }

        private void flush() {
            if (sb.length() > 0) {
                pieces.add(sb.toString());
                sb.setLength(0);
            }
        }

        String join() {
            flush();
            // String.join sizes the result once and copies each piece once
            return String.join("", pieces);
        }
    }

    /**
     * Appends {@code text} line by line as {@link String#indent} does (each line prefixed, trailing
     * blanks of a line kept, one final newline), the first line with its own prefix; without the
     * line streams of {@code indent}, which rendering a thousand plans made a hot spot.
     */
    private static void indent(StringBuilder sb, String text, String firstPrefix, String prefix) {
        if (text.isEmpty()) {
            return;
        }
        int start = 0;
        boolean first = true;
        // most texts have no carriage return: then String.indexOf (an intrinsic) finds each line end
        boolean lf = text.indexOf('\r') < 0;
        while (start < text.length()) {
            int nl = lf ? text.indexOf('\n', start) : lineEnd(text, start);
            int end = nl < 0 ? text.length() : nl;
            sb.append(first ? firstPrefix : prefix).append(text, start, end).append('\n');
            first = false;
            if (nl < 0) {
                break;
            }
            start = nl + (text.charAt(nl) == '\r' && nl + 1 < text.length() && text.charAt(nl + 1) == '\n' ? 2 : 1);
        }
    }

    private static int lineEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return -1;
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
        return masker.mask(text);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
