package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README's "Two commands" are the ones CI runs: {@code .ci/run} calls exactly README's test
 * command, and that command is handled by the {@code ./pigsty} script (host packages, then Maven).
 */
class ReadmeCommandsTest {
    static final Path ROOT = Path.of("..");

    static List<String> commands(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** @return the commands of README's first bash block after "## Two commands", comments cut */
    static List<String> readmeTwoCommands() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int from = lines.indexOf("## Two commands");
        assertThat(from).as("README has a '## Two commands' section").isNotNegative();
        int open = -1;
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```bash")) {
                open = i;
                break;
            }
        }
        assertThat(open).as("a bash block under '## Two commands'").isPositive();
        List<String> out = new java.util.ArrayList<>();
        for (int i = open + 1; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
            String l = lines.get(i);
            int hash = l.indexOf(" #");
            out.add((hash >= 0 ? l.substring(0, hash) : l).strip());
        }
        return out;
    }

    @Test
    void ciRunsExactlyReadmesTestCommand() throws IOException {
        List<String> readme = readmeTwoCommands();
        assertThat(readme).as("README's two commands").hasSize(2).contains("./pigsty sandbox up", "./pigsty test");
        List<String> ci = commands(ROOT.resolve(".ci/run")).stream()
                .filter(l -> !l.startsWith("set ") && !l.startsWith("start=") && !l.startsWith("cd ") && !l.startsWith("trap "))
                .toList();
        assertThat(ci).as(".ci/run runs README's test command and nothing else").containsExactly("./pigsty test");
    }

    @Test
    void pigstyTest_installsHostPackages_thenRunsMavenVerify() throws IOException {
        String script = Files.readString(ROOT.resolve("pigsty"), StandardCharsets.UTF_8);
        int test = script.indexOf("\n  test)");
        assertThat(test).as("./pigsty handles 'test'").isPositive();
        String branch = script.substring(test, script.indexOf(";;", test));
        assertThat(branch.indexOf("bash .ci/install-host-packages")).as(branch).isPositive()
                .isLessThan(branch.indexOf("exec mvn -B -ntp verify"));
        assertThat(Files.isExecutable(ROOT.resolve("pigsty"))).as("./pigsty is executable").isTrue();
    }
}
