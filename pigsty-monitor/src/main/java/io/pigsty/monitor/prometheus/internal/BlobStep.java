package io.pigsty.monitor.prometheus.internal;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.model.PigstyException;
import io.pigsty.monitor.prometheus.ExporterJar;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A binary file (the exporter jar) put on a host when its SHA-256, mode or owner differ, then the
 * given commands (a restart). Unlike {@code Steps.file} it renders a digest instead of the content,
 * so plans stay readable and small.
 */
public final class BlobStep implements Step {
    private final String path;
    private final ExporterJar jar;
    private final String mode;
    private final String owner;
    private final List<Command> onChange;

    /**
     * @param path     absolute destination
     * @param jar      the bytes (may be absent: then check reports it and apply fails with what to do)
     * @param mode     octal mode
     * @param owner    owner and group
     * @param onChange commands run after the file changed
     */
    public BlobStep(String path, ExporterJar jar, String mode, String owner, List<Command> onChange) {
        this.path = Objects.requireNonNull(path);
        this.jar = Objects.requireNonNull(jar);
        this.mode = Objects.requireNonNull(mode);
        this.owner = Objects.requireNonNull(owner);
        this.onChange = List.copyOf(onChange);
    }

    @Override
    public String id() {
        return "file:" + path;
    }

    @Override
    public String description() {
        return "file " + path + " " + mode + " " + owner + ":" + owner + " (the SDK's pg-exporter.jar)";
    }

    @Override
    public Rendered render() {
        List<String> notes = new ArrayList<>();
        // no digest, size or local path here: a rendered plan must not change with every build of the jar
        notes.add("uploads the SDK's pg-exporter.jar (ExporterJar) when the host's sha256 differs");
        if (!onChange.isEmpty()) {
            notes.add("commands run only when the file changed");
        }
        return new Rendered(List.of(), onChange, notes);
    }

    @Override
    public Check check(StepContext ctx) {
        if (!jar.isPresent()) {
            return Check.change(jar.missingMessage());
        }
        FileFacts f = ctx.executor().stat(ctx.host(), path);
        if (!f.exists()) {
            return Check.change("create " + path + " (sha256 " + jar.sha256() + ")");
        }
        List<String> changes = new ArrayList<>();
        String have = ctx.executor().simulated()
                ? ctx.executor().readFile(ctx.host(), path).map(BlobStep::sha256).orElse("none")
                : remoteSha256(ctx);
        if (!have.equals(jar.sha256())) {
            changes.add(path + ": sha256 " + have + " -> " + jar.sha256());
        }
        if (!f.mode().replaceFirst("^0+", "").equals(mode.replaceFirst("^0+", ""))) {
            changes.add(path + ": mode " + f.mode() + " -> " + mode);
        }
        if (!f.owner().equals(owner) || !f.group().equals(owner)) {
            changes.add(path + ": owner " + f.owner() + ":" + f.group() + " -> " + owner + ":" + owner);
        }
        return changes.isEmpty() ? Check.ok() : Check.change(String.join("\n", changes));
    }

    @Override
    public Outcome apply(StepContext ctx) {
        if (!jar.isPresent()) {
            throw new PigstyException(jar.missingMessage());
        }
        if (check(ctx).isOk()) {
            return Outcome.OK;
        }
        ctx.executor().putFile(ctx.host(), new FileSpec(path, jar.bytes(), mode, owner, owner, false));
        for (Command c : onChange) {
            ctx.runOk(c);
        }
        return Outcome.CHANGED;
    }

    /*
     * The digest is computed on the host: Executor.readFile is for text (the SSH executor decodes it as UTF-8),
     * so a jar read back never matched and every apply uploaded it again. The dry run's model keeps the bytes
     * it was given, so it answers through readFile.
     */
    private String remoteSha256(StepContext ctx) {
        ExecResult r = ctx.run(Command.of("sha256sum", "--", path));
        if (!r.ok()) {
            return "none";
        }
        String out = r.stdout().strip();
        int sp = out.indexOf(' ');
        return sp > 0 ? out.substring(0, sp) : out;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
