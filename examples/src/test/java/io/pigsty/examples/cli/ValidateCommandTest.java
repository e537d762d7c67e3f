package io.pigsty.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inventories of issue 10's reproductions (held in the model's invalid corpus): {@code pigsty
 * validate FILE} refuses each with exactly the corpus's path lines and a non-zero exit, and
 * {@code pigsty plan} refuses them the same way, never with a stack trace.
 */
class ValidateCommandTest {
    private static final Path CORPUS = Path.of("../pigsty-model/src/test/resources/invalid");

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = PigstyCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-etcd-group.yml", "hba-newline-in-user-and-db.yml", "pgbouncer-password-newline.yml",
            "hba-auth-scram-and-os.yml"})
    void validateAndPlan_refuseWithPathLines_neverAStackTrace(String name) throws Exception {
        Path file = CORPUS.resolve(name);
        List<String> expected = Files.readAllLines(file).stream().filter(l -> l.startsWith("# expect: "))
                .map(l -> "error: " + l.substring("# expect: ".length())).toList();
        assertThat(expected).isNotEmpty();

        Run v = run("validate", "-i", file.toString());
        assertThat(v.exit()).isEqualTo(PigstyCli.INVALID);
        assertThat(v.err().lines().filter(l -> l.startsWith("error: ")).toList()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(v.out() + v.err()).doesNotContain("Exception").doesNotContain("\tat ");

        Run p = run("plan", "pgsql", "pg-evil", "-i", file.toString());
        assertThat(p.exit()).isEqualTo(PigstyCli.INVALID);
        expected.forEach(e -> assertThat(p.err()).contains(e.substring("error: ".length())));
        assertThat(p.out() + p.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
