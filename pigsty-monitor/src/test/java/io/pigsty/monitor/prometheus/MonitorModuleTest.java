package io.pigsty.monitor.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.DryRunExecutor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanListener;
import io.pigsty.api.step.Step;
import io.pigsty.model.Inventory;
import io.pigsty.model.PigstyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorModuleTest {
    static final Inventory SANDBOX = Inventory.sample("sandbox");
    static final Pigsty PIGSTY = Pigsty.builder().inventory(SANDBOX).build();

    static Pigsty withJar(Inventory inv, Path jar) {
        return Pigsty.builder().inventory(inv).module(new MonitorModule(ExporterJar.at(jar))).build();
    }

    static List<Step> steps(Plan plan, String phase, String address) {
        Phase p = plan.phases().stream().filter(ph -> ph.name().equals(phase)).findFirst().orElseThrow();
        return p.steps().entrySet().stream().filter(e -> e.getKey().address().equals(address))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    @Test
    void pgsql_registersEveryMemberOnTheInfraNode() {
        Plan plan = PIGSTY.plan(Playbook.pgsqlCreate("pg-test"));
        String text = plan.render().toText();
        assertThat(plan.phases()).extracting(Phase::name).contains("monitor");
        for (String ins : new String[] {"pg-test-1", "pg-test-2", "pg-test-3"}) {
            assertThat(text).contains("file:/etc/prometheus/targets/pgsql/" + ins + ".yml")
                    .contains("file:/etc/prometheus/targets/patroni/" + ins + ".yml")
                    .contains("file:/etc/prometheus/targets/ping/" + ins + ".yml");
        }
        assertThat(text).contains("10.213.0.11:9630").contains("ins: pg-test-1")
                .contains("file:/etc/prometheus/targets/ping/pg-test-vip.yml");
        Phase monitor = plan.phases().stream().filter(ph -> ph.name().equals("monitor")).findFirst().orElseThrow();
        List<Step> infra = monitor.steps().entrySet().stream().filter(e -> e.getKey().name().startsWith("infra@"))
                .flatMap(e -> e.getValue().stream()).toList();
        // a directory per job (6: pgsql pgbouncer patroni haproxy node ping), a file per member per job, the VIP's ping
        assertThat(infra).hasSize(6 + 3 * 6 + 1);
        assertThat(monitor.steps().keySet()).extracting(Host::address)
                .contains("10.213.0.10", "10.213.0.11", "10.213.0.12", "10.213.0.13");
    }

    @Test
    void pgsql_deploysBothExportersOnEveryMember(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("pg-exporter.jar"), new byte[] {'P', 'K', 3, 4, 1});
        Plan plan = withJar(SANDBOX, jar).plan(Playbook.pgsqlCreate("pg-test"));
        for (String ip : List.of("10.213.0.11", "10.213.0.12", "10.213.0.13")) {
            List<String> ids = steps(plan, "monitor", ip).stream().map(Step::id).toList();
            assertThat(ids).contains("monitor:packages", "file:/usr/lib/pigsty/pg-exporter.jar",
                    "file:/etc/pg_exporter/0110-pg.yml", "file:/etc/default/pg_exporter",
                    "file:/etc/systemd/system/pg_exporter.service", "service:pg_exporter",
                    "service:prometheus-node-exporter", "wait:pg_exporter", "wait:pg_exporter:pgbouncer");
            // one JVM serves both: no second unit, and Pigsty's pgbouncer_exporter of an earlier deployment is retired
            assertThat(ids).doesNotContain("file:/etc/systemd/system/pgbouncer_exporter.service",
                    "file:/etc/default/pgbouncer_exporter", "service:pgbouncer_exporter")
                    .containsOnlyOnce("retire:pgbouncer_exporter");
            assertThat(ids.indexOf("retire:pgbouncer_exporter")).isLessThan(ids.indexOf("file:/etc/default/pg_exporter"));
            // the unit's files come before the unit is started
            assertThat(ids.indexOf("file:/usr/lib/pigsty/pg-exporter.jar")).isLessThan(ids.indexOf("service:pg_exporter"));
        }
        String text = plan.render().toText();
        assertThat(text).contains("monitoring packages prometheus-node-exporter default-jre-headless")
                .contains("-jar /usr/lib/pigsty/pg-exporter.jar --web.listen-address=:9630 --target name=pgbouncer,"
                        + "url_env=PGBOUNCER_EXPORTER_URL,listen=:9631").contains("-Xmx32m -Xmn3m")
                .contains("-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1")
                .contains("Environment=MALLOC_ARENA_MAX=2")
                .contains("retire pgbouncer_exporter of an earlier deployment")
                .contains("uploads the SDK's pg-exporter.jar")
                // the env file holds the monitor password: rendered as a secret, never in clear
                .doesNotContain("DBUser.Monitor");
    }

    @Test
    void exportersRestartWhenTheirJarOrConfigChangesAndOnlyThen(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {'P', 'K', 1});
        Path jar2 = Files.write(dir.resolve("b.jar"), new byte[] {'P', 'K', 2});
        Inventory other = SANDBOX.toBuilder().var("pg_exporter_connect_timeout", 500).build();
        var planA = withJar(SANDBOX, jar).plan(Playbook.pgsqlMonitor("pg-test"));
        var planB = withJar(SANDBOX, jar2).plan(Playbook.pgsqlMonitor("pg-test"));
        var planEnv = withJar(other, jar2).plan(Playbook.pgsqlMonitor("pg-test"));
        // the strict dry run accepts what these plans' own steps do
        DryRunExecutor dry = DryRunExecutor.builder().model(planA).model(planB).model(planEnv).build();
        ApplyResult first = planA.apply(dry, PlanListener.NONE);
        assertThat(first.ok()).as(first.summary()).isTrue();
        assertThat(first.changedCount()).isPositive();
        assertThat(new String(dry.readFile(new Host("10.213.0.11", "x"), ExporterJar.REMOTE_PATH).orElseThrow()))
                .isEqualTo("PK\u0001");

        dry.clearLog();
        ApplyResult again = planA.apply(dry, PlanListener.NONE);
        assertThat(again.changedSteps()).isEmpty();
        assertThat(restarts(dry)).isEmpty();

        dry.clearLog();
        ApplyResult newJar = planB.apply(dry, PlanListener.NONE);
        assertThat(newJar.changedSteps()).allMatch(s -> s.contains("file:/usr/lib/pigsty/pg-exporter.jar"));
        assertThat(newJar.changedSteps()).hasSize(3);
        assertThat(restarts(dry)).hasSize(3).allMatch(r -> r.endsWith("try-restart pg_exporter"));

        dry.clearLog();
        ApplyResult env = planEnv.apply(dry, PlanListener.NONE);
        assertThat(env.changedSteps()).hasSize(3).allMatch(s -> s.contains("file:/etc/default/pg_exporter"));
        assertThat(restarts(dry)).hasSize(3).allMatch(r -> r.endsWith("try-restart pg_exporter"));
    }

    @Test
    void anUpgradedHostLosesTheOldPgbouncerExporter_andTheSecondApplyChangesNothing(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("pg-exporter.jar"), new byte[] {'P', 'K'});
        // the earlier layout: a pgbouncer_exporter unit of its own (what a PgBouncer-only member still gets)
        Inventory old = SANDBOX.toBuilder().var("pg_exporter_enabled", false).build();
        Plan before = withJar(old, jar).plan(Playbook.pgsqlMonitor("pg-test"));
        Plan now = withJar(SANDBOX, jar).plan(Playbook.pgsqlMonitor("pg-test"));
        DryRunExecutor dry = DryRunExecutor.builder().model(before).model(now).build();
        ApplyResult first = before.apply(dry, PlanListener.NONE);
        assertThat(first.ok()).as(first.summary()).isTrue();
        assertThat(dry.filesWritten("10.213.0.11")).containsKey("/etc/systemd/system/pgbouncer_exporter.service");
        assertThat(dry.runningServices("10.213.0.11")).contains("pgbouncer_exporter");

        dry.clearLog();
        ApplyResult upgrade = now.apply(dry, PlanListener.NONE);
        assertThat(upgrade.ok()).as(upgrade.summary()).isTrue();
        assertThat(upgrade.changedSteps()).filteredOn(st -> st.contains("retire:pgbouncer_exporter")).hasSize(3);
        assertThat(dry.recorded()).filteredOn(r -> r.detail().contains("systemctl disable --now pgbouncer_exporter"))
                .extracting(DryRunExecutor.Recorded::host).containsExactlyInAnyOrder("10.213.0.11", "10.213.0.12", "10.213.0.13");

        dry.clearLog();
        ApplyResult again = now.apply(dry, PlanListener.NONE);
        assertThat(again.ok()).as(again.summary()).isTrue();
        assertThat(again.changedSteps()).isEmpty();
    }

    /**
     * The retire step's own shell, run by sh against a copy of the old layout under a temp root, with a
     * recording {@code systemctl} first on PATH: the check sees the files and the running unit, the apply
     * stops, disables and removes them, and then the check passes; a dangling enablement link alone also counts.
     */
    @Test
    void theRetireStepsShellConvergesOnARealFilesystem(@TempDir Path dir) throws Exception {
        Step step = MonitorModule.retirePgbouncerExporter();
        io.pigsty.api.step.Guarded g = (io.pigsty.api.step.Guarded) step;
        String root = dir.resolve("root").toString();
        String check = g.probes().get(0).command().script().orElseThrow().replace(" /etc/", " " + root + "/etc/");
        String apply = g.converging().get(0).script().orElseThrow().replace(" /etc/", " " + root + "/etc/");
        assertThat(check).doesNotContain(" /etc/");
        assertThat(apply).doesNotContain(" /etc/");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path state = dir.resolve("active");
        Path calls = dir.resolve("calls");
        // is-active answers from a marker file; disable --now and stop remove it; every call is recorded
        Files.writeString(bin.resolve("systemctl"), "#!/bin/sh\necho \"$*\" >> " + calls + "\ncase \"$*\" in\n"
                + "  'is-active --quiet pgbouncer_exporter') [ -e " + state + " ] ;;\n"
                + "  'disable --now pgbouncer_exporter'|'stop pgbouncer_exporter') rm -f " + state + " ;;\n"
                + "  *) exit 0 ;;\nesac\n");
        bin.resolve("systemctl").toFile().setExecutable(true);
        Path unit = Files.createDirectories(dir.resolve("root/etc/systemd/system/multi-user.target.wants"))
                .resolveSibling("pgbouncer_exporter.service");
        Files.writeString(unit, "[Service]\nExecStart=/bin/true\n");
        Path link = unit.resolveSibling("multi-user.target.wants/pgbouncer_exporter.service");
        Files.createSymbolicLink(link, unit);
        Files.writeString(Files.createDirectories(dir.resolve("root/etc/default")).resolve("pgbouncer_exporter"), "X=1\n");
        Files.writeString(dir.resolve("root/etc/pgbouncer_exporter.yml"), "x: {}\n");
        Files.writeString(state, "");
        assertThat(sh(bin, check)).as("check on the old layout").isEqualTo(1);
        assertThat(sh(bin, apply)).isZero();
        assertThat(sh(bin, check)).as("check after the apply").isZero();
        assertThat(Files.exists(unit, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(dir.resolve("root/etc/default/pgbouncer_exporter")).doesNotExist();
        assertThat(dir.resolve("root/etc/pgbouncer_exporter.yml")).doesNotExist();
        assertThat(state).doesNotExist();
        assertThat(Files.readAllLines(calls)).contains("disable --now pgbouncer_exporter", "daemon-reload");
        // a dangling link left by hand (unit file removed without disabling) is still cleaned up
        Files.createSymbolicLink(link, unit);
        assertThat(sh(bin, check)).as("check with a dangling link").isEqualTo(1);
        assertThat(sh(bin, apply)).isZero();
        assertThat(sh(bin, check)).isZero();
    }

    private static int sh(Path bin, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sh did not finish within 30 s: " + script);
        }
        return p.exitValue();
    }

    private static List<String> restarts(DryRunExecutor dry) {
        return dry.recorded().stream().filter(r -> r.kind().equals("run") && r.detail().contains("try-restart"))
                .map(DryRunExecutor.Recorded::detail).toList();
    }

    @Test
    void monitorOnly_runsOneExporterPerRemoteInstanceOnTheInfraNode(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("pg-exporter.jar"), new byte[] {'P', 'K'});
        Inventory inv = SANDBOX.toBuilder().infra(SANDBOX.infra().orElseThrow().toBuilder().var("pg_exporters", Map.of(
                20001, Map.of("pg_cluster", "pg-rds", "pg_seq", 1, "pg_host", "10.9.0.5"),
                20002, Map.of("pg_cluster", "pg-rds", "pg_seq", 2, "pg_host", "10.9.0.6", "pg_port", 5433),
                20003, Map.of("pg_cluster", "pg-cloud", "pg_seq", 1,
                        "pg_exporter_url", "postgres://mon:S3cr3t.Pw@db.example.com:6543/postgres?sslmode=require"))).build())
                .build();
        assertThat(inv.validate().errors()).isEmpty();
        Plan all = withJar(inv, jar).plan(Playbook.pgsqlMonitor());
        List<String> ids = steps(all, "monitor", "10.213.0.10").stream().map(Step::id).toList();
        assertThat(ids).contains("service:pg_exporter-pg-rds-1", "service:pg_exporter-pg-rds-2",
                "service:pg_exporter-pg-cloud-1", "file:/etc/prometheus/targets/pgsql/pg-rds-2.yml");
        String text = all.render().toText();
        assertThat(text).contains("10.213.0.10:20002").contains("ip: 10.9.0.6").contains("ip: db.example.com")
                .contains("--web.listen-address=:20003").doesNotContain("S3cr3t");
        Plan one = withJar(inv, jar).plan(Playbook.pgsqlMonitor("pg-cloud"));
        assertThat(one.render().toText()).contains("pg_exporter-pg-cloud-1").doesNotContain("pg_exporter-pg-rds-1");
        assertThatThrownBy(() -> withJar(inv, jar).plan(Playbook.pgsqlMonitor("pg-nowhere")))
                .isInstanceOf(PigstyException.class).hasMessageContaining("pg-nowhere");
    }

    @Test
    void aMissingJarIsReportedWithWhatToDo() {
        ExporterJar none = ExporterJar.locate(null, Map.of(), Path.of("/nonexistent"), java.util.Optional.empty());
        assertThat(none.isPresent()).isFalse();
        Pigsty p = Pigsty.builder().inventory(SANDBOX).module(new MonitorModule(none)).build();
        var plan = p.plan(Playbook.pgsqlMonitor("pg-test"));
        ApplyResult r = plan.apply(DryRunExecutor.builder().model(plan).build(), PlanListener.NONE);
        assertThat(r.ok()).isFalse();
        assertThat(r.steps().stream().flatMap(s -> s.error().stream()).toList())
                .anyMatch(e -> e.contains("pg-exporter.jar not found") && e.contains("-Dpigsty.exporter.jar"));
        assertThatThrownBy(() -> ExporterJar.locate("/nope/pg-exporter.jar", Map.of(), Path.of("/"),
                java.util.Optional.empty())).isInstanceOf(io.pigsty.model.InvalidValueException.class)
                .hasMessageContaining("-Dpigsty.exporter.jar").hasMessageContaining("/nope/pg-exporter.jar");
    }

    @Test
    void theJarIsFoundBesideTheBuildAndByTheEnvironment(@TempDir Path dir) throws Exception {
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.write(target.resolve("pg-exporter.jar"), new byte[] {1});
        ExporterJar beside = ExporterJar.locate(null, Map.of(), Path.of("/nonexistent"), java.util.Optional.of(target));
        assertThat(beside.source()).contains(target.resolve("pg-exporter.jar"));
        Path other = Files.write(dir.resolve("other.jar"), new byte[] {2});
        ExporterJar env = ExporterJar.locate(null, Map.of(ExporterJar.ENV, other.toString()), dir,
                java.util.Optional.of(target));
        assertThat(env.source()).contains(other);
        Path wd = Files.createDirectories(dir.resolve("repo/pigsty-monitor/target"));
        Files.write(wd.resolve("pg-exporter.jar"), new byte[] {3});
        assertThat(ExporterJar.locate(null, Map.of(), dir.resolve("repo"), java.util.Optional.empty()).bytes())
                .containsExactly(3);
    }

    @Test
    void scaleIn_deregistersOnlyThatMemberAndStopsItsExporters() {
        String text = PIGSTY.plan(Playbook.pgsqlRemoveInstance("pg-test", "pg-test-3")).render().toText();
        assertThat(text).contains("target-rm:/etc/prometheus/targets/pgsql/pg-test-3.yml")
                .contains("target-rm:/etc/prometheus/targets/ping/pg-test-3.yml")
                .contains("exporter-rm:pg_exporter").contains("exporter-rm:pgbouncer_exporter")
                .doesNotContain("targets/pgsql/pg-test-1.yml").doesNotContain("targets/pgsql/pg-test-2.yml")
                .doesNotContain("targets/ping/pg-test-vip.yml");
    }

    @Test
    void monitorUrlsComeFromTheInventory() {
        MonitorUrls u = MonitorUrls.of(SANDBOX).orElseThrow();
        assertThat(u.tsdb()).isEqualTo("http://10.213.0.10:9090");
        assertThat(u.alertmanager()).contains("http://10.213.0.10:9093");
        MonitorUrls vm = MonitorUrls.of(SANDBOX.toBuilder().var("vmetrics_enabled", true).build()).orElseThrow();
        assertThat(vm.tsdb()).isEqualTo("http://10.213.0.10:8428");
        assertThat(vm.tsdbKind()).isEqualTo("victoria-metrics");
        assertThat(u.describe()).anyMatch(l -> l.contains("/api/v1/query?query=pg_up"));
    }
}
