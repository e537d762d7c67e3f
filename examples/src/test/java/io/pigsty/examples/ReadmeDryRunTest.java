package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.model.Inventory;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.test.PlanAssert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's dry-run snippet runs here on the real pgsql plan, and README.md shows exactly these lines. */
class ReadmeDryRunTest {

    @Test
    void readmeDryRun_secondApplyChangesNothing() {
        Plan plan = Pigsty.builder().inventory(Inventory.sample("sandbox")).build().plan(Playbook.pgsqlCreate("pg-test"));
        // README-BEGIN
        PlanAssert.assertThat(plan).onHost("10.213.0.11")
            .writesFile("/etc/patroni/patroni.yml").withMode("0600").containing("ttl: 20")
            .and().runs("systemctl try-reload-or-restart patroni");

        DryRunExecutor dry = DryRunExecutor.builder().facts(2, 4096, 50).installed("patroni", "4.0.7-3")
            .model(plan).build();                                            // answers the plan's checks from what it did
        ApplyResult r = plan.apply(dry, PlanListener.NONE);                  // records commands and files, touches nothing
        PlanAssert.assertThat(r).hasNoFailures();
        PlanAssert.assertThat(plan.apply(dry, PlanListener.NONE)).changed(0); // second apply: converged
        // README-END
        assertThat(r.changedCount()).isGreaterThan(100);
        assertThat(r.changedSteps()).contains("10.213.0.11 pgsql:user:test", "10.213.0.11 pgsql:db:test",
                "10.213.0.12 service:patroni");
    }

    @Test
    void readme_showsTheSameSnippet() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/pigsty/examples/ReadmeDryRunTest.java"),
                StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("// README-BEGIN\n(.*?)\n[ ]*// README-END", Pattern.DOTALL).matcher(source);
        assertThat(m.find()).as("README markers in the test").isTrue();
        String snippet = m.group(1).stripIndent();
        assertThat(snippet.lines().count()).isGreaterThan(5);
        assertThat(Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8)).contains(snippet);
    }
}
