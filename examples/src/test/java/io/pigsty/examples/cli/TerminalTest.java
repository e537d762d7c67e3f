package io.pigsty.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pigsty apply} in a real terminal: tmux runs the CLI in a pseudo-terminal, {@code send-keys}
 * types, {@code capture-pane} reads the screen. Against the dry-run executor (slowed down so the
 * progress can be watched), so no host is needed.
 */
class TerminalTest {
    // the sandbox's pgsql plan, as `pigsty apply pgsql pg-test --dry-run` plans it (offline facts)
    private static final int STEPS = io.pigsty.api.Pigsty.builder().inventory(io.pigsty.model.Inventory.sample("sandbox")).build()
            .plan(io.pigsty.api.Playbook.pgsqlCreate("pg-test")).stepCount();

    private static final Pattern STATUS = Pattern.compile("pgsql pg-test {2}\\[([^\\]]*)\\] (\\d+)/(\\d+) steps {2}\\d+ hosts? busy {2}\\d\\d:\\d\\d");
    private final String socket = "pigsty-test-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path tmp;

    @BeforeEach
    void needTmux() {
        boolean have = Files.isExecutable(Path.of("/usr/bin/tmux")) || Files.isExecutable(Path.of("/usr/local/bin/tmux"));
        if (!have && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("tmux is missing (install it: .ci/install-host-packages)");
        }
        Assumptions.assumeTrue(have, "SKIPPED LOUDLY: tmux is not installed; the terminal test needs it");
    }

    @AfterEach
    void killServer() throws Exception {
        tmux("kill-server");
    }

    @Test
    void apply_redrawsOneProgressLine_thenPrintsTheSummaryTable() throws Exception {
        start("apply pgsql pg-test --dry-run --dry-run-step-delay 5");
        Set<Integer> counts = new TreeSet<>();
        List<String> phases = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        String screen = "";
        while (System.nanoTime() < deadline && !screen.contains("EXIT=")) {
            screen = capture(false);
            Matcher m = STATUS.matcher(screen);
            int onScreen = 0;
            while (m.find()) {
                onScreen++;
                counts.add(Integer.parseInt(m.group(2)));
                phases.add(m.group(1));
                assertThat(m.group(3)).isEqualTo(String.valueOf(STEPS));
            }
            assertThat(onScreen).as("the progress line is redrawn in place, never stacked:\n%s", screen).isLessThanOrEqualTo(1);
            Thread.sleep(100);
        }
        assertThat(screen).as("the apply finished within 300 s").contains("EXIT=0");
        assertThat(counts).as("the step count moved while the line was redrawn").hasSizeGreaterThanOrEqualTo(3);
        assertThat(new TreeSet<>(phases)).as("the phase in the line follows the apply").hasSizeGreaterThanOrEqualTo(2);
        String all = capture(true);
        assertThat(STATUS.matcher(all).find()).as("the progress line is cleared at the end:\n%s", all).isFalse();
        assertThat(all).contains("[pg-replica] 10.213.0.12 10.213.0.13")
                .containsPattern("HOST +OK +CHANGED +FAILED +SKIPPED +TIME")
                .containsPattern("10\\.213\\.0\\.12 +\\d+ +\\d+ +0 +0 +\\d+\\.\\d s")
                .contains("pgsql pg-test: " + STEPS + "/" + STEPS + " steps");
    }

    @Test
    void ctrlC_stopsTheApply_andTheSummarySaysWhatRan() throws Exception {
        start("apply pgsql pg-test --dry-run --dry-run-step-delay 60");
        String screen = waitFor(s -> {
            Matcher m = STATUS.matcher(s);
            return m.find() && Integer.parseInt(m.group(2)) >= 10;
        }, "the apply to run 10 steps");
        assertThat(screen).doesNotContain("EXIT=");
        tmux("send-keys", "-t", "t", "C-c");
        String end = waitFor(s -> s.contains("EXIT="), "the CLI to stop after Ctrl-C");
        String all = capture(true);
        assertThat(end).contains("EXIT=130");
        assertThat(all).contains("interrupted (Ctrl-C): ").containsPattern("of " + STEPS + " steps ran")
                .containsPattern("HOST +OK +CHANGED +FAILED +SKIPPED +TIME");
        assertThat(all).doesNotContain(STEPS + "/" + STEPS + " steps");
    }

    private void start(String args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = tmp.resolve("run.sh");
        // the classpath of this test JVM (surefire's manifest jar carries it), so the CLI under test is this build
        // the exporter jar this JVM was given, if any: the CLI runs in a temporary directory, where it would find
        // none beside ~/.m2's monitor jar when this module is tested alone
        String jar = System.getProperty("pigsty.exporter.jar", "");
        String jarOption = jar.isBlank() ? "" : " '-Dpigsty.exporter.jar=" + jar + "'";
        Files.writeString(script, "#!/bin/bash\n# a trap (not an ignore: the JVM must still see SIGINT) keeps the shell alive to print the exit code\ntrap : INT\ncd " + tmp + "\n" + java + jarOption + " -cp '" + System.getProperty("java.class.path")
                + "' io.pigsty.examples.cli.PigstyCli " + args + "\necho EXIT=$?\nsleep 600\n", StandardCharsets.UTF_8);
        tmux("new-session", "-d", "-s", "t", "-x", "150", "-y", "45", "bash " + script);
    }

    private String waitFor(Predicate<String> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        String s = "";
        while (System.nanoTime() < deadline) {
            s = capture(false);
            if (done.test(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited 300 s for " + what + "; the screen:\n" + s);
    }

    private String capture(boolean history) throws Exception {
        return history ? tmux("capture-pane", "-p", "-t", "t", "-S", "-", "-E", "-") : tmux("capture-pane", "-p", "-t", "t");
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tmux " + String.join(" ", args) + " did not return within 20 s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
