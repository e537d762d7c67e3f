package io.pigsty.monitor.prometheus;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a real local reader of a generated file (amtool, blackbox exporter, VictoriaMetrics, vmalert,
 * systemd-analyze). Missing: skipped with the package to install, except under {@code CI=true}
 * where that is a failure.
 */
final class RealTool {
    private RealTool() {
    }

    /** Result of one run. */
    record Result(int exit, String output) {
    }

    /**
     * @param binary  absolute path
     * @param pkg     the Debian package that ships it
     * @return the binary
     */
    static Path require(String binary, String pkg) {
        Path p = Path.of(binary);
        if (Files.isExecutable(p)) {
            return p;
        }
        String reason = binary + " not found (install Debian's '" + pkg + "', see .ci/install-host-packages)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason + " and CI=true: refusing to skip");
        }
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }

    /**
     * @param dir  working directory
     * @param argv program (already {@link #require}d) and arguments
     * @return exit status and combined output
     */
    static Result run(Path dir, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(argv))).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", argv) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
