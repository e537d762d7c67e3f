package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file under {@code src/test/resources/invalid/} is an inventory with known mistakes; its
 * {@code # expect: <path>: <reason>} header lines list exactly the errors validation must report,
 * no more, no fewer.
 */
class InvalidInventoryCorpusTest {
    private static final Path DIR = Path.of("src/test/resources/invalid");

    static Stream<Path> corpus() throws IOException {
        return Files.list(DIR).filter(p -> p.toString().endsWith(".yml")).sorted();
    }

    @Test
    void corpus_hasAtLeastFortyInventories() throws IOException {
        assertThat(corpus().count()).isGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void invalidInventory_reportsExactlyTheExpectedPathsAndReasons(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> expected = text.lines().filter(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length())).collect(Collectors.toList());
        assertThat(expected).as("file declares its expectations").isNotEmpty();

        Inventory inv = Inventory.parseUnvalidated(text, file.getFileName().toString());
        List<String> errors = inv.validate().errors().stream().map(Violation::toString).collect(Collectors.toList());
        assertThat(errors).containsExactlyInAnyOrderElementsOf(expected);

        // load() refuses the same inventory with every error in the message
        try {
            Inventory.parse(text, file.getFileName().toString());
            throw new AssertionError("parse accepted an invalid inventory");
        } catch (ValidationException e) {
            expected.forEach(x -> assertThat(e.getMessage()).contains(x));
            assertThat(e.violations()).hasSize(expected.size());
        }
    }
}
