package io.pigsty.pki;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs real programs for the tests; a missing one fails under CI=true and skips loudly elsewhere. */
final class Tools {
    private Tools() {
    }

    static void require(String... programs) {
        for (String p : programs) {
            boolean found = p.startsWith("/") ? Files.isExecutable(Path.of(p))
                    : List.of("/usr/bin", "/usr/sbin", "/bin").stream().anyMatch(d -> Files.isExecutable(Path.of(d, p)));
            if (!found && "true".equals(System.getenv("CI"))) {
                throw new AssertionError(p + " is missing: .ci/install-host-packages must install it");
            }
            Assumptions.assumeTrue(found, "needs " + p + " (run .ci/install-host-packages)");
        }
    }

    static Result run(List<String> cmd) throws Exception {
        return run(cmd, Map.of());
    }

    static Result run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File("/"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after 120 s: " + cmd);
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }
}
