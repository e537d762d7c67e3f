package io.pigsty.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.plan.Phase;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.Playbook;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.ha.ops.EtcdClient;
import io.pigsty.model.Inventory;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's authentication enabled on a running etcd on loopback by the plans' own steps (the etcd
 * playbook's {@code etcd:auth}, the pgsql playbooks' {@code etcd:user:<cls>}), run through the
 * engine's LocalExecutor with only the address, port and password file made local: check sees a
 * change, apply converges, then check is Ok and a second apply changes nothing; unauthenticated
 * clients are refused, pg-test's user reads and writes {@code /pg/pg-test/} and not pg-meta's keys,
 * and the SDK's client survives an expired token.
 */
class EtcdAuthRealIT {
    private static final Inventory INV = Inventory.sample("sandbox");

    @Test
    void theStepsEnableAuthOnARunningEtcd_idempotently_andLimitEachClusterToItsPrefix(@TempDir Path dir) throws Exception {
        int client = HaConfigRealReadersIT.freePort();
        int peer = HaConfigRealReadersIT.freePort();
        String url = "http://127.0.0.1:" + client;
        Process etcd = new ProcessBuilder("etcd", "--name", "etcd-1", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", url, "--advertise-client-urls", url, "--listen-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer, "--initial-cluster", "etcd-1=http://127.0.0.1:" + peer,
                // a short token lifetime: the client's token expires within the test
                "--auth-token-ttl", "1", "--enable-grpc-gateway", "--log-level", "warn").redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile()).start();
        try (Executor local = new LocalExecutor()) {
            Path pass = dir.resolve("etcd.pass");
            Executor ex = new Localised(local, url, pass.toString());
            EtcdClient anonymous = new EtcdClient(List.of(url), Duration.ofSeconds(3));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!anonymous.healthy(url) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(anonymous.healthy(url)).as(Files.readString(dir.resolve("etcd.log"))).isTrue();

            List<Step> steps = List.of(step(HaFiles.plan(INV, Playbook.etcd()), "etcd:auth"),
                    step(HaFiles.plan(INV, Playbook.pgsqlCreate("pg-test")), "etcd:user:pg-test"),
                    step(HaFiles.plan(INV, Playbook.pgsqlCreate("pg-meta")), "etcd:user:pg-meta"));
            StepContext ctx = context(ex);
            for (Step s : steps) {
                assertThat(s.check(ctx)).as("%s before apply", s.id()).isInstanceOf(Check.Change.class);
                assertThat(s.apply(ctx)).as(s.id()).isEqualTo(Outcome.CHANGED);
                assertThat(s.check(ctx)).as("%s after apply", s.id()).isEqualTo(Check.ok());
            }
            for (Step s : steps) {
                assertThat(s.apply(ctx)).as("%s second apply", s.id()).isEqualTo(Outcome.OK);
            }

            // unauthenticated clients are refused keys; the member list and /health stay open (etcd's own rule)
            assertThatThrownBy(() -> anonymous.get("/pg/pg-test/leader")).isInstanceOf(PigstyException.class)
                    .hasMessageContaining("user name is empty");
            assertThatThrownBy(() -> new EtcdClient(List.of(url), Duration.ofSeconds(3), "pg-test", Secret.of("wrong.password"))
                    .get("/pg/pg-test/leader")).hasMessageContaining("refused user pg-test").hasMessageNotContaining("wrong.password");
            EtcdClient pgTest = new EtcdClient(List.of(url), Duration.ofSeconds(3), "pg-test", Secret.of("pg-test"));
            pgTest.put("/pg/pg-test/leader", "pg-test-1");
            assertThat(pgTest.patroniLeader("/pg", "pg-test")).contains("pg-test-1");
            assertThatThrownBy(() -> pgTest.put("/pg/pg-meta/leader", "pg-test-1")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> pgTest.get("/pg/pg-meta/leader")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> pgTest.get("/pg/pg-test-x/leader")).hasMessageContaining("permission denied");
            // the token outlives --auth-token-ttl 1: the client authenticates again and the read succeeds
            Thread.sleep(2500);
            assertThat(pgTest.get("/pg/pg-test/leader")).contains("pg-test-1");
            EtcdClient rootHere = new EtcdClient(List.of(url), Duration.ofSeconds(3), "root", Secret.of("Etcd.Root"));
            rootHere.put("/pg/pg-meta/leader", "pg-meta-1");
            assertThat(rootHere.get("/pg/pg-meta/leader")).contains("pg-meta-1");
            // the password file the etcd playbook leaves beside the step is not needed when root accepts the inventory's
            assertThat(Files.exists(pass)).isFalse();
        } finally {
            etcd.destroy();
            etcd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void patroniValidatesTheEtcd3SectionWithTheClustersUser(@TempDir Path dir) throws Exception {
        Plan plan = HaFiles.plan(INV, Playbook.pgsqlCreate("pg-test"));
        String yml = HaFiles.files(plan, "10.213.0.11").get("/etc/patroni/patroni.yml").text();
        assertThat(yml).contains("etcd3:\n  hosts: '10.213.0.10:2379'\n  username: 'pg-test'\n  password: 'pg-test'\n");
        // the validator wants the etcd hosts reachable: a listening loopback socket stands in for the member
        try (java.net.ServerSocket etcd = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String text = yml.replace("listen: 10.213.0.11:8008", "listen: 127.0.0.1:" + HaConfigRealReadersIT.freePort())
                    .replace("hosts: '10.213.0.10:2379'", "hosts: '127.0.0.1:" + etcd.getLocalPort() + "'");
            Path p = Files.writeString(dir.resolve("patroni.yml"), text);
            String out = HaConfigRealReadersIT.run(dir, List.of("patroni", "--validate-config", p.toString()), 0);
            assertThat(out).doesNotContain("is not");
        }
    }

    private static Step step(Plan plan, String id) {
        for (Phase ph : plan.phases()) {
            for (var e : ph.steps().entrySet()) {
                for (Step s : e.getValue()) {
                    if (s.id().equals(id)) {
                        assertThat(e.getKey().address()).as("runs on the etcd member").isEqualTo("10.213.0.10");
                        return s;
                    }
                }
            }
        }
        throw new AssertionError("no step " + id + " in " + plan.render().toText());
    }

    private static StepContext context(Executor ex) {
        Host h = new Host("127.0.0.1", "etcd-1");
        HostFacts facts = HostFacts.offline(INV.resolveGlobal());
        return new StepContext() {
            @Override
            public Host host() {
                return h;
            }

            @Override
            public Executor executor() {
                return ex;
            }

            @Override
            public HostFacts facts() {
                return facts;
            }
        };
    }

    /** The plan's commands with the sandbox's etcd URLs and password file made local; stdin kept. */
    private record Localised(Executor local, String url, String pass) implements Executor {
        private String localise(String s) {
            return s.replace("http://127.0.0.1:2379", url).replace("http://10.213.0.10:2379", url)
                    .replace("/etc/etcd/etcd.pass", pass);
        }

        @Override
        public ExecResult run(Host host, Command c) {
            assertThat(c.user()).isEmpty();
            Command.Builder b = c.script().isPresent() ? Command.shell(localise(c.script().get()))
                    : Command.argv(c.argv().stream().map(this::localise).toList());
            c.stdin().ifPresent(b::stdin);
            return local.run(host, b.timeout(c.timeout()).build());
        }

        @Override
        public void putFile(Host host, FileSpec file) {
            local.putFile(host, new FileSpec(localise(file.path()), file.content(), file.mode(), file.owner(), file.group(),
                    file.secret()));
        }

        @Override
        public Optional<byte[]> readFile(Host host, String path) {
            return local.readFile(host, localise(path));
        }

        @Override
        public FileFacts stat(Host host, String path) {
            return local.stat(host, localise(path));
        }
    }
}
