package io.pigsty.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.examples.cli.PigstyCli;
import io.pigsty.sandbox.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pigsty} command line against the sandbox's real hosts, as a DBA uses it (issue 11).
 * The test writes its own inventory file: the shared deployment's, reaching the nodes through
 * Pigsty's (Ansible's) connection variables ({@code ansible_host}, {@code ansible_port},
 * {@code ansible_user}, {@code ansible_ssh_private_key_file}) instead of the SDK's defaults. Then
 * {@code apply} of node, etcd and pgsql, {@code check} finds nothing to change, {@code pgsql user}
 * adds a user that logs in through the primary service on 5433, {@code switchover --json} reports
 * the new leader, and a real terminal (tmux) shows the progress line and the summary table.
 */
@UsesSharedSandbox
@Order(ItOrder.CHANGES + 10)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliSandboxIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path inventory;
    static Sandbox sandbox;
    static String leaderIp;

    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    static Run cli(List<String> args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = PigstyCli.run(args.toArray(String[]::new), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        Run r = new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        System.out.println("$ pigsty " + String.join(" ", args) + "\n" + r.out() + r.err() + "exit " + code);
        return r;
    }

    /** The shared inventory with Ansible's connection variables; optionally one more pg-test user. */
    static String inventory(boolean withCliUser) throws IOException {
        String y = SharedSandbox.inventoryText();
        String[] edits = {
            "        10.213.0.10: { etcd_seq: 1 }\n", "        10.213.0.10: { etcd_seq: 1, ansible_host: 10.213.0.10 }\n",
            "        10.213.0.11: { pg_seq: 1, pg_role: primary }\n", "        10.213.0.11: { pg_seq: 1, pg_role: primary, ansible_port: 22 }\n",
            "        pg_cluster: pg-test\n", "        pg_cluster: pg-test\n        ansible_user: root\n",
            "  vars:\n    version: v4.5.0\n", "  vars:\n    version: v4.5.0\n    ansible_ssh_private_key_file: " + sandbox.clientKey() + "\n",
        };
        for (int i = 0; i < edits.length; i += 2) {
            assertThat(y).as("it-sandbox.yml has the line this test edits").contains(edits[i]);
            y = y.replace(edits[i], edits[i + 1]);
        }
        y = SharedSandbox.withLiveRoles(y, leaderIp);
        if (withCliUser) {
            String users = "          - { name: test, password: Test.Pass.1, pgbouncer: true, roles: [dbrole_admin], comment: test user }\n";
            assertThat(y).contains(users);
            y = y.replace(users, users + "          - { name: dbuser_cli, password: Cli.Pass.42, pgbouncer: true, roles: [dbrole_readwrite] }\n");
        }
        return y;
    }

    static List<String> args(String... words) {
        List<String> a = new ArrayList<>(List.of(words));
        // the shared deployment's CA: without it the CLI would plan the clusters without TLS
        a.addAll(List.of("-i", inventory.toString(), "--known-hosts", sandbox.knownHosts().toString(), "--host-key-policy",
                "accept-new", "--pki", Sandbox.PKI_DIR.toString()));
        return a;
    }

    @BeforeAll
    static void writeInventory(SharedSandbox shared) throws IOException {
        sandbox = shared.sandbox();
        leaderIp = shared.primaryIp("pg-test");
        inventory = dir.resolve("pigsty.yml");
        Files.writeString(inventory, inventory(false));
    }

    @Test
    @Order(1)
    void apply_nodeEtcdPgsql_withTheTestsOwnInventory() {
        assertThat(cli(args("validate")).code()).isZero();
        for (List<String> pb : List.of(List.of("node", "pg-test"), List.of("etcd"), List.of("pgsql", "pg-test"))) {
            List<String> a = new ArrayList<>(List.of("apply"));
            a.addAll(pb);
            Run r = cli(args(a.toArray(String[]::new)));
            assertThat(r.code()).as("apply %s", pb).isZero();
            assertThat(r.out() + r.err()).containsPattern("HOST +OK +CHANGED +FAILED +SKIPPED +TIME");
        }
    }

    @Test
    @Order(2)
    void check_findsNothingToChangeAfterwards() throws IOException {
        for (List<String> pb : List.of(List.of("node", "pg-test"), List.of("etcd"), List.of("pgsql", "pg-test"))) {
            List<String> a = new ArrayList<>(List.of("check"));
            a.addAll(pb);
            a.add("--json");
            Run r = cli(args(a.toArray(String[]::new)));
            JsonNode d = r.json();
            assertThat(d.get("command").asText()).isEqualTo("check");
            assertThat(d.get("changes")).as("check %s: %s", pb, d.get("changes")).isEmpty();
            assertThat(d.get("converged").asBoolean()).isTrue();
            assertThat(r.code()).as("check %s exits 0 when converged (4 means pending changes)", pb).isZero();
        }
    }

    @Test
    @Order(3)
    void pgsqlUser_addsAUserThatLogsInThroughThePrimaryService() throws Exception {
        Files.writeString(inventory, inventory(true));
        Run r = cli(args("pgsql", "user", "pg-test", "dbuser_cli"));
        assertThat(r.code()).isZero();
        for (String host : List.of("10.213.0.11", "10.213.0.13")) {
            try (Connection c = SharedSandbox.connect(host, 5433, "dbuser_cli", "Cli.Pass.42", "test")) {
                assertThat(SharedSandbox.one(c, "select current_user")).isEqualTo("dbuser_cli");
                assertThat(SharedSandbox.one(c, "select pg_is_in_recovery()")).as("5433 routes to the primary").isEqualTo("f");
            }
        }
    }

    @Test
    @Order(4)
    void switchover_json_reportsTheNewLeader() throws IOException {
        Run before = cli(args("status", "pg-test", "--json"));
        assertThat(before.code()).isZero();
        String old = before.json().get("clusters").get(0).get("leader").asText();
        Run r = cli(args("switchover", "pg-test", "--json"));
        assertThat(r.code()).isZero();
        JsonNode d = r.json();
        assertThat(d.get("command").asText()).isEqualTo("switchover");
        assertThat(d.get("ok").asBoolean()).isTrue();
        assertThat(d.get("leader_before").asText()).isEqualTo(old);
        assertThat(d.get("leader").asText()).startsWith("pg-test-").isNotEqualTo(old);
        assertThat(d.get("after").get("leader").asText()).isEqualTo(d.get("leader").asText());
        assertThat(r.err()).doesNotContain("{"); // the document is on stdout only
    }

    private static final Pattern STATUS = Pattern.compile("node pg-test {2}\\[([^\\]]*)\\] (\\d+)/(\\d+) steps {2}\\d+ hosts? busy {2}\\d\\d:\\d\\d");

    @Test
    @Order(5)
    void terminal_showsTheProgressLineAndTheSummaryTable_againstRealHosts() throws Exception {
        String socket = "pigsty-it-" + UUID.randomUUID().toString().substring(0, 8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = dir.resolve("run.sh");
        // the classpath of this test JVM (failsafe's manifest jar carries it): the CLI under test is this build.
        // The node playbook (63 steps on 3 hosts) shows the same progress line and table as pgsql's 355 steps, in a
        // quarter of the time; pgsql itself was applied through the CLI by the first test
        Files.writeString(script, "#!/bin/bash\ncd " + dir + "\n" + java + " -cp '" + System.getProperty("java.class.path")
                + "' io.pigsty.examples.cli.PigstyCli " + String.join(" ", args("apply", "node", "pg-test"))
                + "\necho EXIT=$?\nsleep 600\n", StandardCharsets.UTF_8);
        try {
            tmux(socket, "new-session", "-d", "-s", "t", "-x", "160", "-y", "45", "bash " + script);
            long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
            String screen = "";
            int seen = 0;
            while (System.nanoTime() < deadline && !screen.contains("EXIT=")) {
                screen = tmux(socket, "capture-pane", "-p", "-t", "t");
                Matcher m = STATUS.matcher(screen);
                int onScreen = 0;
                while (m.find()) {
                    onScreen++;
                    seen++;
                }
                assertThat(onScreen).as("the progress line is redrawn in place, never stacked:\n%s", screen).isLessThanOrEqualTo(1);
                Thread.sleep(100);
            }
            assertThat(screen).as("the apply finished within 300 s").contains("EXIT=0");
            assertThat(seen).as("the progress line was on screen while the apply ran on the hosts").isPositive();
            String all = tmux(socket, "capture-pane", "-p", "-t", "t", "-S", "-", "-E", "-");
            assertThat(all).containsPattern("HOST +OK +CHANGED +FAILED +SKIPPED +TIME")
                    .containsPattern("10\\.213\\.0\\.12 +\\d+ +\\d+ +0 +0 +\\d+\\.\\d s");
        } finally {
            tmux(socket, "kill-server");
        }
    }

    private static String tmux(String socket, String... args) throws IOException, InterruptedException {
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
