package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compatibility report over our own fixtures of Pigsty's inventory shapes (test resources
 * {@code pigsty-conf/}): each file's first line says {@code # expect: plans} or
 * {@code # expect: refused <words of the reason>}.
 */
class PigstyConfCompatTest {
    @Test
    void everyFixture_plansOrIsRefusedForTheNamedReason() throws Exception {
        Path dir = Path.of(getClass().getResource("/pigsty-conf").toURI());
        List<PigstyConfCompat.Outcome> all = PigstyConfCompat.checkAll(dir);
        assertThat(all).hasSizeGreaterThanOrEqualTo(8);
        for (PigstyConfCompat.Outcome o : all) {
            String expect = Files.readAllLines(dir.resolve(o.file())).get(0);
            assertThat(o.loads()).as(o.line()).isTrue();
            assertThat(o.roundTrip()).as(o.line()).isTrue();
            if (expect.equals("# expect: plans")) {
                assertThat(o.plans()).as(o.line()).isTrue();
                assertThat(o.clusters()).as(o.line()).isPositive();
                assertThat(o.reasons()).as(o.line()).isEmpty();
            } else {
                assertThat(expect).startsWith("# expect: refused ");
                assertThat(o.validates()).as(o.line()).isFalse();
                assertThat(o.plans()).as(o.line()).isFalse();
                assertThat(String.join("\n", o.reasons())).as(o.line()).contains(expect.substring("# expect: refused ".length()));
            }
        }
    }
}
