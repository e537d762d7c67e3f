package io.pigsty.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.CheckReport;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.plan.StepStatus;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.api.template.Templates;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Role;
import io.pigsty.model.Secret;
import io.pigsty.model.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The framework with small modules written here: plans, render, check, apply, failures, dry run. */
class EngineTest {
    private static final Inventory INV = Inventory.builder()
            .set(Params.PG_ADMIN_PASSWORD, Secret.of("Admin.Secret.42")).etcd("10.213.0.10")
            .cluster(PgCluster.named("pg-x").instance(1, "10.213.0.11", Role.PRIMARY).instance(2, "10.213.0.12", Role.REPLICA))
            .build();

    /** Writes one file per instance under a directory, plus a marker command. */
    static PigstyModule filesModule(Path dir) {
        return new PigstyModule() {
            @Override
            public String name() {
                return "TESTFILES";
            }

            @Override
            public void contribute(PlanContext ctx, PlanBuilder plan) {
                PgCluster c = ctx.inventory().requireCluster(ctx.playbook().requireCluster());
                for (PgInstance i : c.instances()) {
                    Host h = ctx.host(c, i);
                    String name = ctx.resolve(c, i).get(Params.PG_ROLE).value();
                    String text = ctx.templates().render("test/hello.ftl", Map.of("name", name,
                            "cpu", ctx.facts(h).cpuCount()));
                    plan.add("pg-config", h, Steps.file(FileSpec.text(dir.resolve("seq" + i.seq() + ".conf").toString(),
                            text, "0644", "root")));
                    plan.add("pg-config", h, Steps.file(new FileSpec(dir.resolve("secret" + i.seq()).toString(),
                            ("password=" + ctx.inventory().resolve(c, i).get(Params.PG_ADMIN_PASSWORD).reveal() + "\n")
                                    .getBytes(), "0600", "root", "root", true)));
                }
            }
        };
    }

    private static Pigsty pigsty(Path dir, Path templates) throws Exception {
        Files.createDirectories(templates.resolve("test"));
        Files.writeString(templates.resolve("test/hello.ftl"), "hello ${name} on ${cpu} cpus\n");
        return Pigsty.builder().inventory(INV).serviceLoader(false).module(filesModule(dir)).templateDir(templates)
                .preflight(false).build(); // the local machine poses as the inventory's hosts
    }

    @Test
    void apply_converges_andSecondApplyChangesNothing(@TempDir Path dir, @TempDir Path tpl) throws Exception {
        LocalExecutor local = new LocalExecutor();
        Pigsty pigsty = pigsty(dir, tpl);
        Plan plan = pigsty.plan(Playbook.pgsqlCreate("pg-x"), pigsty.gatherFacts(local));
        assertThat(plan.render().toText()).contains("hello primary on " + Runtime.getRuntime().availableProcessors());
        ApplyResult first = plan.apply(local, io.pigsty.api.plan.PlanListener.NONE);
        PlanAssert.assertThat(first).hasNoFailures().changed(4);
        assertThat(Files.readString(dir.resolve("seq1.conf"))).startsWith("hello primary on ");
        ApplyResult second = plan.apply(local, io.pigsty.api.plan.PlanListener.NONE);
        PlanAssert.assertThat(second).hasNoFailures().changed(0);
        assertThat(plan.check(local).converged()).isTrue();

        Files.writeString(dir.resolve("seq2.conf"), "tampered\n");
        CheckReport report = plan.check(local);
        assertThat(report.changes()).hasSize(1);
        assertThat(report.toText()).contains("-tampered").contains("+hello replica");
        assertThat(Files.readString(dir.resolve("seq2.conf"))).isEqualTo("tampered\n"); // check is read-only
    }

    @Test
    void offlinePlan_onAHostWhoseFactsChangeIt_isRefusedBeforeAnyChange(@TempDir Path dir, @TempDir Path tpl)
            throws Exception {
        Pigsty pigsty = pigsty(dir, tpl);
        Plan offline = pigsty.plan(Playbook.pgsqlCreate("pg-x"));
        DryRunExecutor twoCpus = DryRunExecutor.builder().facts(2, 8192, 100).build();
        ApplyResult r = offline.apply(twoCpus, io.pigsty.api.plan.PlanListener.NONE);
        assertThat(r.ok()).isFalse();
        assertThat(r.steps()).extracting(s -> s.host() + " " + s.stepId())
                .containsExactly("10.213.0.11 facts", "10.213.0.12 facts");
        assertThat(r.steps().get(0).error()).get().asString().contains("cpu 4 -> 2")
                .contains("file:" + dir.resolve("seq1.conf")).contains("pigsty.gatherFacts(executor)");
        assertThat(twoCpus.recorded()).noneMatch(x -> x.kind().equals("put"));
        CheckReport check = offline.check(twoCpus);
        assertThat(check.converged()).isFalse();
        assertThat(check.changes()).filteredOn(e -> e.stepId().equals(Plan.FACTS_STEP)).hasSize(2);

        // facts that differ without changing any step (memory is not used here): a note, and the plan runs
        DryRunExecutor moreMemory = DryRunExecutor.builder().facts(4, 16384, 100).build();
        ApplyResult ok = offline.apply(moreMemory, io.pigsty.api.plan.PlanListener.NONE);
        PlanAssert.assertThat(ok).hasNoFailures().changed(4);
        assertThat(ok.notes()).anyMatch(n -> n.contains("memory 8192 MB -> 16384 MB") && n.contains("steps are the same"));

        // planned with the gathered facts: runs, and shows what it runs
        Plan gathered = pigsty.plan(Playbook.pgsqlCreate("pg-x"), pigsty.gatherFacts(twoCpus));
        assertThat(gathered.render().toText()).contains("hello primary on 2 cpus");
        assertThat(gathered.facts().host("10.213.0.11").orElseThrow().cpuCount()).isEqualTo(2);
        PlanAssert.assertThat(gathered.apply(twoCpus, io.pigsty.api.plan.PlanListener.NONE)).hasNoFailures();
        assertThat(twoCpus.filesWritten("10.213.0.11").get(dir.resolve("seq1.conf").toString()))
                .isEqualTo("hello primary on 2 cpus\n");
    }

    @Test
    void checkAndApply_ofOnePlan_concurrently_eachSeeItsOwnFacts() throws Exception {
        java.util.List<Integer> seenByApply = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        PigstyModule recording = module("RECORDING", (ctx, plan) -> {
            for (PgInstance i : ctx.inventory().requireCluster("pg-x").instances()) {
                for (int k = 0; k < 20; k++) {
                    plan.add("node", Host.of(i.ip()), new FactsProbe("probe" + k, seenByApply));
                }
            }
        });
        Plan plan = Pigsty.builder().inventory(INV).serviceLoader(false).module(recording).preflight(false).build()
                .plan(Playbook.pgsqlCreate("pg-x"));
        DryRunExecutor same = DryRunExecutor.builder().facts(4, 8192, 100).build();
        DryRunExecutor other = DryRunExecutor.builder().facts(2, 1024, 10).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                var checks = pool.submit(() -> plan.check(other));
                var applies = pool.submit(() -> plan.apply(same, io.pigsty.api.plan.PlanListener.NONE));
                PlanAssert.assertThat(applies.get()).hasNoFailures().changed(40);
                assertThat(checks.get().notes()).anyMatch(n -> n.contains("cpu 4 -> 2"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seenByApply).hasSize(400).containsOnly(4);
    }

    static PigstyModule module(String name, java.util.function.BiConsumer<PlanContext, PlanBuilder> contribute) {
        return new PigstyModule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void contribute(PlanContext ctx, PlanBuilder plan) {
                contribute.accept(ctx, plan);
            }
        };
    }

    /** A step whose apply records the CPU count it was given; its check says whether it ran on 2 CPUs. */
    record FactsProbe(String id, java.util.List<Integer> seen) implements io.pigsty.api.step.Step {
        @Override
        public String description() {
            return "records the facts it sees";
        }

        @Override
        public io.pigsty.api.step.Rendered render() {
            return new io.pigsty.api.step.Rendered(java.util.List.of(), java.util.List.of(), java.util.List.of());
        }

        @Override
        public io.pigsty.api.step.Check check(io.pigsty.api.step.StepContext ctx) {
            return ctx.facts().cpuCount() == 2 ? io.pigsty.api.step.Check.ok() : io.pigsty.api.step.Check.change("x");
        }

        @Override
        public io.pigsty.api.step.Outcome apply(io.pigsty.api.step.StepContext ctx) {
            seen.add(ctx.facts().cpuCount());
            return io.pigsty.api.step.Outcome.CHANGED;
        }
    }

    @Test
    void render_isDeterministic_andMasksSecretsOutsideSecretFiles(@TempDir Path dir, @TempDir Path tpl) throws Exception {
        Plan plan = pigsty(dir, tpl).plan(Playbook.pgsqlCreate("pg-x"));
        String a = plan.render().toText();
        String b = pigsty(dir, tpl).plan(Playbook.pgsqlCreate("pg-x")).render().toText();
        assertThat(a).isEqualTo(b).contains("hello primary on 4 cpus").contains("(secret)");
        assertThat(a).doesNotContain("Admin.Secret.42");
        assertThat(plan.render().toJson()).doesNotContain("Admin.Secret.42").contains("\"secret\" : true");
        assertThat(plan.render().toText(true)).contains("password=Admin.Secret.42");
        PlanAssert.assertThat(plan).hasPhases("pg-config").onHost("10.213.0.11")
                .writesFile(dir.resolve("secret1").toString()).withMode("0600").containing("password=");
    }

    @Test
    void failingHost_skipsItsRemainingSteps_othersFinish() {
        PigstyModule failing = module("FAILING", (ctx, plan) -> {
            for (PgInstance i : ctx.inventory().requireCluster("pg-x").instances()) {
                Host h = Host.of(i.ip());
                String fail = i.seq() == 1 ? "exit 7" : "true";
                plan.add("node", h, Steps.command("first", "first", Command.shell("false").build(),
                        Command.shell(fail).build()));
                plan.add("node", h, Steps.command("second", "second", Command.shell("false").build(),
                        Command.shell("true").build()));
                plan.add("etcd", h, Steps.command("third", "third", Command.shell("false").build(),
                        Command.shell("true").build()));
            }
        });
        Plan plan = Pigsty.builder().inventory(INV).serviceLoader(false).module(failing).preflight(false).build()
                .plan(Playbook.pgsqlCreate("pg-x"));
        DryRunExecutor dry = DryRunExecutor.builder().answer("^sh -c false$", 1, "").answer("exit 7", 7, "boom")
                .model(plan).build();
        ApplyResult r = plan.apply(dry, io.pigsty.api.plan.PlanListener.NONE);
        assertThat(r.failedHosts()).containsExactly("10.213.0.11");
        assertThat(r.steps()).filteredOn(s -> s.host().equals("10.213.0.11")).extracting(s -> s.status())
                .containsExactly(StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.SKIPPED);
        assertThat(r.steps()).filteredOn(s -> s.host().equals("10.213.0.12")).extracting(s -> s.status())
                .containsExactly(StepStatus.CHANGED, StepStatus.CHANGED, StepStatus.CHANGED);
        assertThat(r.steps().get(0).error()).get().asString().contains("exit 7");
    }

    @Test
    void haltAll_theFirstFailureStopsEveryHost() {
        PigstyModule failing = module("FAILING", (ctx, plan) -> {
            for (PgInstance i : ctx.inventory().requireCluster("pg-x").instances()) {
                Host h = Host.of(i.ip());
                plan.add("node", h, Steps.command("first", "first", Command.shell("false").build(),
                        Command.shell(i.seq() == 1 ? "exit 7" : "true").build()));
                plan.add("etcd", h, Steps.command("wipe", "wipe", Command.shell("false").build(),
                        Command.shell("true").build()));
            }
        });
        Plan perHost = Pigsty.builder().inventory(INV).serviceLoader(false).module(failing).preflight(false).build()
                .plan(Playbook.pgsqlCreate("pg-x"));
        assertThat(perHost.failurePolicy()).isEqualTo(io.pigsty.api.plan.FailurePolicy.PER_HOST);
        assertThat(perHost.render().toText()).doesNotContain("HALT_ALL");
        Plan halting = perHost.withFailurePolicy(io.pigsty.api.plan.FailurePolicy.HALT_ALL);
        assertThat(halting.render().toText()).contains("# on failure: every host stops (HALT_ALL)");
        DryRunExecutor dry = DryRunExecutor.builder().answer("^sh -c false$", 1, "").answer("exit 7", 7, "boom")
                .model(halting).build();
        ApplyResult r = halting.apply(dry, io.pigsty.api.plan.PlanListener.NONE);
        assertThat(r.failedHosts()).containsExactly("10.213.0.11");
        // the other member finished its part of the failed phase, but nobody starts the next one
        assertThat(r.steps()).filteredOn(s -> s.stepId().equals("wipe")).extracting(s -> s.status())
                .containsOnly(StepStatus.SKIPPED).hasSize(2);
        assertThat(r.notes()).anyMatch(n -> n.contains("halted after 10.213.0.11 first failed"));
        ApplyResult loose = perHost.apply(DryRunExecutor.builder().answer("^sh -c false$", 1, "")
                .answer("exit 7", 7, "boom").model(perHost).build(), io.pigsty.api.plan.PlanListener.NONE);
        assertThat(loose.steps()).filteredOn(s -> s.stepId().equals("wipe") && s.host().equals("10.213.0.12"))
                .extracting(s -> s.status()).containsExactly(StepStatus.CHANGED);
    }

    @Test
    void restoreAndRemoval_haltEverywhere_otherPlaybooksConvergePerHost() {
        assertThat(Playbook.pgsqlPitr("pg-x").failurePolicy()).isEqualTo(io.pigsty.api.plan.FailurePolicy.HALT_ALL);
        assertThat(Playbook.pgsqlRemove("pg-x").failurePolicy()).isEqualTo(io.pigsty.api.plan.FailurePolicy.HALT_ALL);
        assertThat(Playbook.pgsqlRemoveInstance("pg-x", "pg-x-2").failurePolicy())
                .isEqualTo(io.pigsty.api.plan.FailurePolicy.HALT_ALL);
        assertThat(Playbook.pgsqlCreate("pg-x").failurePolicy()).isEqualTo(io.pigsty.api.plan.FailurePolicy.PER_HOST);
        assertThat(Playbook.node("pg-x").failurePolicy()).isEqualTo(io.pigsty.api.plan.FailurePolicy.PER_HOST);
        assertThat(Pigsty.builder().inventory(INV).build().plan(Playbook.pgsqlRemove("pg-x")).failurePolicy())
                .isEqualTo(io.pigsty.api.plan.FailurePolicy.HALT_ALL);
    }

    @Test
    void plan_validatesTheInventoryFirst() {
        Inventory bad = Inventory.builder().etcd("10.213.0.10")
                .cluster(PgCluster.named("pg-x").instance(1, "10.213.0.11", Role.REPLICA)).build();
        assertThatThrownBy(() -> Pigsty.builder().inventory(bad).build().plan(Playbook.pgsqlCreate("pg-x")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("no primary");
        assertThatThrownBy(() -> Pigsty.builder().inventory(INV).build().plan(Playbook.pgsqlCreate("pg-nope")))
                .isInstanceOf(PigstyException.class).hasMessageContaining("pg-nope").hasMessageContaining("pg-x");
    }

    @Test
    void secretFile_withLooseMode_isRefused() {
        PlanBuilder pb = new PlanBuilder();
        assertThatThrownBy(() -> pb.add("node", Host.of("10.0.0.1"), Steps.file(new FileSpec("/etc/x", new byte[0],
                "0644", "root", "root", true)))).isInstanceOf(PigstyException.class).hasMessageContaining("0600");
        pb.add("node", Host.of("10.0.0.1"), Steps.directory("/pg", "0755", "root", "root"));
        assertThatThrownBy(() -> pb.add("node", Host.of("10.0.0.1"), Steps.directory("/pg", "0755", "root", "root")))
                .hasMessageContaining("duplicate step");
    }

    @Test
    void templates_strictAndOverridable(@TempDir Path tpl) throws Exception {
        Files.createDirectories(tpl.resolve("test"));
        Files.writeString(tpl.resolve("test/x.ftl"), "a\n${missing}\n");
        Templates t = Templates.builder().overrideDir(tpl).build();
        assertThatThrownBy(() -> t.render("test/x.ftl", Map.of())).isInstanceOf(PigstyException.class)
                .hasMessageContaining("test/x.ftl").hasMessageContaining("line 2");
        assertThatThrownBy(() -> t.render("nope/none.ftl", Map.of())).hasMessageContaining("nope/none.ftl");
    }
}
