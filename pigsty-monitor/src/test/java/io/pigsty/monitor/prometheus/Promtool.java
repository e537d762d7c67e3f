package io.pigsty.monitor.prometheus;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real {@code promtool}. Where it is missing, tests are skipped with the reason, except
 * under {@code CI=true}, where a missing promtool is a failure: CI must not go green by skipping.
 */
final class Promtool {
    private Promtool() {
    }

    /** Result of one run. */
    record Result(int exit, String output) {
    }

    /** @return the promtool binary; skips or fails (CI) the calling test when there is none */
    static Path require() {
        Optional<Path> p = find();
        if (p.isPresent()) {
            return p.get();
        }
        String reason = "promtool not found (set PROMTOOL or install Debian's 'prometheus' package)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason + " and CI=true: refusing to skip");
        }
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }

    static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("PROMTOOL");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        candidates.add(Path.of("/usr/bin/promtool"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "promtool"));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * @param dir  working directory
     * @param args promtool arguments
     * @return exit code and combined output
     */
    static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(require().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
