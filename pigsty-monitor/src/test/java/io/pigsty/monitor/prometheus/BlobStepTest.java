package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.Facts;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.step.Guarded;
import io.pigsty.monitor.prometheus.internal.BlobStep;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.test.PlanAssert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's step: compared by the host's digest, modelled by the strict dry run like every guarded step. */
class BlobStepTest {
    private static final Host H = Host.of("10.213.0.11");
    private static final String PATH = "/usr/lib/pigsty/pg-exporter.jar";
    /** Not valid UTF-8 (a lone continuation byte, an overlong lead, 0xFF): a text round trip would alter it. */
    private static final byte[] BINARY = {'P', 'K', 3, 4, (byte) 0x80, (byte) 0xC3, 0x28, (byte) 0xFF, 0, 10};

    private static Plan plan(BlobStep step) {
        return Plan.of("test", facts -> {
            PlanBuilder pb = new PlanBuilder();
            pb.add("monitor", H, step);
            return pb.build();
        }, Facts.empty(), Set.of(), 1);
    }

    private static BlobStep step(ExporterJar jar, List<Command> onChange) {
        return new BlobStep(PATH, jar, "0644", "root", onChange);
    }

    @Test
    void theJarReadLastIsKept_untilItsFileChanges(@TempDir Path dir) throws Exception {
        Path p = Files.write(dir.resolve("pg-exporter.jar"), BINARY);
        ExporterJar first = ExporterJar.at(p);
        // every plan locates the jar: the same file is not read and hashed again
        assertThat(ExporterJar.at(p)).isSameAs(first);
        assertThat(ExporterJar.locate(p.toString(), Map.of(), dir, Optional.empty())).isSameAs(first);
        // a new build (other size or modification time) is read: its digest is what gets uploaded
        byte[] rebuilt = java.util.Arrays.copyOf(BINARY, BINARY.length + 1);
        Files.write(p, rebuilt);
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(p).toMillis() + 2000));
        ExporterJar second = ExporterJar.at(p);
        assertThat(second).isNotSameAs(first);
        assertThat(second.bytes()).isEqualTo(rebuilt);
        assertThat(second.sha256()).isNotEqualTo(first.sha256());
    }

    @Test
    void probeIsTheHostsSha256sum_convergedToTheJarsDigestLine(@TempDir Path dir) throws Exception {
        ExporterJar jar = ExporterJar.at(Files.write(dir.resolve("pg-exporter.jar"), BINARY));
        BlobStep s = step(jar, List.of(Command.of("systemctl", "try-restart", "pg_exporter")));
        assertThat(s.probes()).singleElement().satisfies(p -> {
            assertThat(p.command().commandLine()).isEqualTo("sha256sum -- " + PATH);
            assertThat(p.convergedOutput()).isEqualTo(jar.sha256() + "  " + PATH).hasSize(64 + 2 + PATH.length());
        });
        assertThat(s.converging()).extracting(Command::commandLine).containsExactly("systemctl try-restart pg_exporter");
        assertThat(s.inputs()).containsExactly(new FileSpec(PATH, BINARY, "0644", "root", "root", false));
        // no jar (no property, no environment, a working directory without one): nothing to converge to
        ExporterJar absent = ExporterJar.locate(null, Map.of(), dir, Optional.empty());
        assertThat(absent.isPresent()).isFalse();
        Guarded none = step(absent, List.of());
        assertThat(none.probes()).isEmpty();
        assertThat(none.inputs()).isEmpty();
    }

    @Test
    void binaryJar_uploadedOnce_secondApplyChangesNothing_andRestartsOnlyOnChange(@TempDir Path dir) throws Exception {
        ExporterJar jar = ExporterJar.at(Files.write(dir.resolve("a.jar"), BINARY));
        byte[] other = BINARY.clone();
        other[4] = (byte) 0x81;
        ExporterJar jar2 = ExporterJar.at(Files.write(dir.resolve("b.jar"), other));
        Command restart = Command.of("systemctl", "try-restart", "pg_exporter");
        Plan a = plan(step(jar, List.of(restart)));
        Plan b = plan(step(jar2, List.of(restart)));
        DryRunExecutor dry = DryRunExecutor.builder().model(a).model(b).build();

        PlanAssert.assertThat(a.apply(dry, PlanListener.NONE)).hasNoFailures().changed(1);
        assertThat(dry.readFile(H, PATH)).hasValueSatisfying(c -> assertThat(c).isEqualTo(BINARY));
        dry.clearLog();
        PlanAssert.assertThat(a.apply(dry, PlanListener.NONE)).hasNoFailures().changed(0);
        // the check asked the host for the digest and uploaded nothing
        assertThat(dry.recorded()).extracting(DryRunExecutor.Recorded::detail).contains("sha256sum -- " + PATH)
                .doesNotContain(PATH, "systemctl try-restart pg_exporter");
        assertThat(a.check(dry).converged()).isTrue();

        ApplyResult changed = b.apply(dry, PlanListener.NONE);
        PlanAssert.assertThat(changed).hasNoFailures().changed(1);
        assertThat(b.check(dry).converged()).isTrue();
        assertThat(a.check(dry).converged()).as("the host now holds the other jar").isFalse();
    }

    @Test
    void withoutCommands_theStepConvergesOnceTheFileIsWritten(@TempDir Path dir) throws Exception {
        Plan a = plan(step(ExporterJar.at(Files.write(dir.resolve("a.jar"), BINARY)), List.of()));
        DryRunExecutor dry = DryRunExecutor.builder().model(a).build();
        PlanAssert.assertThat(a.apply(dry, PlanListener.NONE)).hasNoFailures().changed(1);
        PlanAssert.assertThat(a.apply(dry, PlanListener.NONE)).hasNoFailures().changed(0);
    }
}
