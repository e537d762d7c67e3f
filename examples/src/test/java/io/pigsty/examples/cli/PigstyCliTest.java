package io.pigsty.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.model.Inventory;
import io.pigsty.ssh.HostKeyPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a person types it: parsing, exit codes, output, JSON against the shipped schema. */
class PigstyCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaCheck SCHEMA;

    static {
        try {
            SCHEMA = new SchemaCheck(JSON.readTree(ToolCommands.Schema.text()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + out, e);
            }
        }

        /** @return the document, checked against output.schema.json */
        JsonNode valid() {
            JsonNode d = json();
            assertThat(SCHEMA.errors(d)).as("schema violations of %s", out).isEmpty();
            return d;
        }
    }

    static Run cli(String... args) {
        return cli(null, args);
    }

    /** @return the run, with {@code --dry-run} against {@code dry} when given */
    static Run cli(io.pigsty.api.exec.Executor dry, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = PigstyCli.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), dry);
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    // ---- parsing and help ----------------------------------------------------------------------

    @Test
    void helpListsEveryCommand_andEverySubcommandHasHelp() {
        Run r = cli("--help");
        assertThat(r.code()).isZero();
        for (String c : List.of("validate", "plan", "check", "apply", "status", "switchover", "failover", "restart", "reload",
                "pause", "resume", "reinit", "config", "pgsql", "passwords", "sandbox", "completion")) {
            assertThat(r.out()).contains("  " + c + " ");
        }
        List<List<String>> paths = new ArrayList<>();
        collect(PigstyCli.commandLine(new PigstyCli()), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(25).contains(List.of("pgsql", "user"), List.of("config", "rto"),
                List.of("sandbox", "status"));
        for (List<String> p : paths) {
            List<String> args = new ArrayList<>(p);
            args.add("--help");
            Run h = cli(args.toArray(String[]::new));
            assertThat(h.code()).as("%s --help", p).isZero();
            assertThat(h.out()).as("%s --help", p).startsWith("Usage: pigsty " + String.join(" ", p));
        }
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            List<String> p = new ArrayList<>(prefix);
            p.add(name);
            out.add(p);
            collect(sub, p, out);
        });
    }

    @Test
    void versionNamesTheSdk() {
        Run r = cli("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("pigsty-java ");
    }

    @Test
    void usageErrorsExit2WithTheUsage() {
        Run unknownOption = cli("plan", "pgsql", "pg-test", "--frobnicate");
        assertThat(unknownOption.code()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown option: '--frobnicate'").contains("Usage: pigsty plan");
        assertThat(unknownOption.out()).isEmpty();

        Run missing = cli("failover", "pg-test");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter: 'MEMBER'").contains("Usage: pigsty failover");

        Run unknownCommand = cli("frobnicate");
        assertThat(unknownCommand.code()).isEqualTo(2);
        assertThat(unknownCommand.err()).contains("Usage: pigsty");

        assertThat(cli().code()).isEqualTo(2);
        assertThat(cli("pgsql").code()).isEqualTo(2);
        assertThat(cli("config").code()).isEqualTo(2);
        assertThat(cli("sandbox").code()).isEqualTo(2);

        Run badPolicy = cli("check", "etcd", "--host-key-policy", "yolo");
        assertThat(badPolicy.code()).isEqualTo(2);
        assertThat(badPolicy.err()).contains("expected strict or accept-new, got 'yolo'");

        Run badMode = cli("config", "rto", "pg-test", "fastest");
        assertThat(badMode.code()).isEqualTo(2);
        assertThat(badMode.err()).contains("fastest");

        Run badPlaybook = cli("plan", "pgsql-everything", "pg-test");
        assertThat(badPlaybook.code()).isEqualTo(2);
        assertThat(badPlaybook.err()).contains("unknown playbook 'pgsql-everything'").doesNotContain("at io.pigsty");

        Run noUser = cli("plan", "pgsql-user", "pg-test");
        assertThat(noUser.code()).isEqualTo(2);
        assertThat(noUser.err()).contains("pgsql-user CLUSTER USER");

        for (String c : List.of("plan", "check", "apply")) {
            Run noGroup = cli(c, "node", "--dry-run");
            assertThat(noGroup.code()).as(c).isEqualTo(2);
            assertThat(noGroup.err()).as(c).contains("pigsty: node needs the cluster or group it prepares: one of infra, etcd, "
                    + "pg-meta, pg-test (sample:sandbox), e.g. pigsty " + c + " node pg-test").doesNotContain("\tat ");
        }

        Run noFile = cli("validate", "-i", tmp.resolve("nope.yml").toString());
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("--inventory").contains("nope.yml");
    }

    @Test
    void pki_turnsTlsOnWithTheCaOfTheDirectory_andABrokenDirectoryIsAnErrorNotATrace() throws Exception {
        Path pki = tmp.resolve("pki");
        Run plain = cli("plan", "pgsql", "pg-test");
        assertThat(plain.code()).isZero();
        assertThat(plain.out()).doesNotContain("/pg/cert/server.crt").doesNotContain("client_tls_cert_file");
        Run tls = cli("plan", "pgsql", "pg-test", "--pki", pki.toString());
        assertThat(tls.code()).as(tls.err()).isZero();
        // a new CA was made there, and the plan issues certificates from it
        assertThat(pki.resolve("ca.crt")).exists();
        assertThat(java.nio.file.Files.getPosixFilePermissions(pki.resolve("ca.key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(tls.out()).contains("issues /pg/cert/server.crt").doesNotContain("PRIVATE KEY");
        String ca = java.nio.file.Files.readString(pki.resolve("ca.crt"));
        assertThat(tls.out()).contains(ca.lines().skip(1).findFirst().orElseThrow());
        // the same CA the second time: the plan is the same
        assertThat(cli("plan", "pgsql", "pg-test", "--pki", pki.toString()).out()).isEqualTo(tls.out());
        java.nio.file.Files.delete(pki.resolve("ca.key"));
        Run broken = cli("plan", "pgsql", "pg-test", "--pki", pki.toString());
        assertThat(broken.code()).isNotZero();
        assertThat(broken.err()).contains(pki.toString()).contains("ca.key").doesNotContain("\tat ");
    }

    @Test
    void optionsWorkBeforeAndAfterTheCommand() {
        Run before = cli("--json", "validate");
        Run after = cli("validate", "--json");
        assertThat(before.code()).isZero();
        assertThat(before.valid().get("valid").asBoolean()).isTrue();
        assertThat(after.out()).isEqualTo(before.out());
    }

    // ---- validate / plan / check / apply ------------------------------------------------------

    @Test
    void validate_reportsEveryErrorWithItsPath_exit3() throws IOException {
        Path bad = write("bad.yml", """
                all:
                  children:
                    pg-x:
                      hosts:
                        10.9.0.1: { pg_seq: 1, pg_role: leader }
                        10.9.0.2: { pg_seq: 1, pg_role: replica }
                      vars: { pg_cluster: pg-x }
                """);
        Run human = cli("validate", "-i", bad.toString());
        assertThat(human.code()).isEqualTo(3);
        assertThat(human.err()).contains("all.children.pg-x.hosts.10.9.0.1.pg_role").doesNotContain("Exception");
        // the lines, then their count, on the one stream: a terminal shows them in this order
        List<String> lines = human.err().lines().toList();
        assertThat(lines.get(lines.size() - 1)).matches(".*bad.yml: \\d+ errors, \\d+ warnings");
        assertThat(lines.subList(0, lines.size() - 1)).allMatch(l -> l.startsWith("error: ") || l.startsWith("warning: "));
        assertThat(human.out()).isEmpty();
        Run json = cli("validate", "-i", bad.toString(), "--json");
        assertThat(json.code()).isEqualTo(3);
        JsonNode d = json.valid();
        assertThat(d.get("valid").asBoolean()).isFalse();
        assertThat(d.get("errors").size()).isGreaterThanOrEqualTo(2);

        // a command that needs a valid inventory says the same, with exit 3 and no stack trace
        Run plan = cli("plan", "pgsql", "pg-x", "-i", bad.toString());
        assertThat(plan.code()).isEqualTo(3);
        assertThat(plan.err()).contains("pg_role").doesNotContain("\tat ");
        Run unparsable = cli("validate", "-i", write("broken.yml", "all: [unclosed").toString());
        assertThat(unparsable.code()).isEqualTo(3);
    }

    @Test
    void plan_json_isOneDocumentOfTheSchema() {
        Run r = cli("plan", "pgsql", "pg-test", "--json");
        assertThat(r.code()).isZero();
        JsonNode d = r.valid();
        assertThat(d.get("command").asText()).isEqualTo("plan");
        assertThat(d.get("steps").asInt()).isGreaterThan(100);
        assertThat(r.out()).doesNotContain("Test.Pass.1"); // user passwords are masked
        Run text = cli("plan", "pgsql-user", "pg-test", "test");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("pgsql:user:test");
    }

    @Test
    void apply_dryRun_summaryPerHost_andJson() {
        Run r = cli("apply", "pgsql", "pg-test", "--dry-run");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("== pgsql pg-test: ").contains("[pg-primary] 10.213.0.11")
                .containsPattern("HOST +OK +CHANGED +FAILED +SKIPPED +TIME")
                .containsPattern("10\\.213\\.0\\.11 +\\d+ +\\d+ +0 +0 ").contains("0 failed");
        assertThat(r.out()).doesNotContain("\033[K"); // not a terminal: plain lines only

        Run j = cli("apply", "pgsql", "pg-test", "--dry-run", "--json");
        assertThat(j.code()).isZero();
        JsonNode d = j.valid();
        assertThat(d.get("ok").asBoolean()).isTrue();
        assertThat(d.get("steps_run").asInt()).isEqualTo(d.get("steps_total").asInt()).isGreaterThan(100);
        assertThat(d.get("hosts").size()).isEqualTo(4);
        assertThat(j.err()).contains("== pgsql pg-test"); // progress went to stderr

        Run quiet = cli("apply", "etcd", "--dry-run", "-q");
        assertThat(quiet.code()).isZero();
        assertThat(quiet.out()).doesNotContain("== etcd").contains("HOST");
    }

    @Test
    void limit_narrowsTheRunToHostsInstancesOrClusters() {
        JsonNode one = cli("apply", "pgsql", "pg-test", "--dry-run", "--json", "-l", "pg-test-2").valid();
        assertThat(one.get("hosts").findValuesAsText("host")).containsExactly("10.213.0.12");
        JsonNode two = cli("apply", "node", "pg-test", "--dry-run", "--json", "--limit", "10.213.0.11,10.213.0.13").valid();
        assertThat(two.get("hosts").findValuesAsText("host")).containsExactlyInAnyOrder("10.213.0.11", "10.213.0.13");
        Run unknown = cli("apply", "pgsql", "pg-test", "--dry-run", "-l", "pg-nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--limit").contains("pg-nope");
        Run outside = cli("apply", "etcd", "--dry-run", "-l", "pg-test-2");
        assertThat(outside.code()).isEqualTo(2);
        assertThat(outside.err()).contains("leaves no step of etcd");
    }

    @Test
    void check_changesPending_exit4_inTheSchema() {
        Run r = cli("check", "pgsql-hba", "pg-test", "--dry-run", "--json");
        assertThat(r.code()).as(r.err()).isEqualTo(PigstyCli.CHANGES).isEqualTo(4);
        JsonNode d = r.valid();
        assertThat(d.get("converged").asBoolean()).isFalse(); // the dry-run hosts have no files yet
        assertThat(d.get("changes").size()).isPositive();
        assertThat(d.get("exit_code").asInt()).isEqualTo(4);
        Run text = cli("check", "pgsql-hba", "pg-test", "--dry-run");
        assertThat(text.code()).isEqualTo(4);
        assertThat(text.out()).contains("steps would change");
        assertThat(cli("check", "--help").out()).contains("4: changes pending");
        assertThat(cli("--help").out()).contains("4 check found changes pending");
    }

    @Test
    void check_afterApply_noChanges_exit0() {
        // one strict dry-run executor for both runs: the second sees what the first wrote
        Inventory inv = Inventory.sample("sandbox");
        io.pigsty.api.Pigsty sdk = io.pigsty.api.Pigsty.builder().inventory(inv).build();
        io.pigsty.model.Resolved g = inv.resolveGlobal();
        io.pigsty.test.DryRunExecutor.Builder b = io.pigsty.test.DryRunExecutor.builder()
                .facts(g.get(io.pigsty.model.Params.NODE_CPU), g.get(io.pigsty.model.Params.NODE_MEM_MB),
                        g.get(io.pigsty.model.Params.NODE_DISK_GB))
                .installed("patroni", "4.0.7-3~deb13u1").installed("etcd-server", "3.5.16-4");
        List<String[]> playbooks = List.of(new String[] {"node", "pg-test"}, new String[] {"pgsql", "pg-test"});
        b.model(sdk.plan(io.pigsty.api.Playbook.node("pg-test"))).model(sdk.plan(io.pigsty.api.Playbook.pgsqlCreate("pg-test")));
        try (io.pigsty.test.DryRunExecutor dry = b.build()) {
            Run before = cli(dry, "check", "pgsql", "pg-test", "--dry-run");
            assertThat(before.code()).as(before.err()).isEqualTo(4);
            for (String[] pb : playbooks) {
                Run apply = cli(dry, "apply", pb[0], pb[1], "--dry-run", "-q");
                assertThat(apply.code()).as("apply %s: %s%s", pb[0], apply.out(), apply.err()).isZero();
            }
            Run after = cli(dry, "check", "pgsql", "pg-test", "--dry-run", "--json");
            assertThat(after.code()).as(after.out() + after.err()).isZero();
            JsonNode d = after.valid();
            assertThat(d.get("converged").asBoolean()).isTrue();
            assertThat(d.get("changes")).isEmpty();
            assertThat(d.get("exit_code").asInt()).isZero();
            Run text = cli(dry, "check", "pgsql", "pg-test", "--dry-run");
            assertThat(text.code()).isZero();
            assertThat(text.out()).contains("pgsql pg-test: no changes (");
        }
    }

    @Test
    void check_preflightRefusal_exit1_notChanges() {
        var refused = new io.pigsty.api.plan.CheckReport("pgsql", List.of(
                new io.pigsty.api.plan.CheckReport.Entry(io.pigsty.api.plan.Plan.PREFLIGHT, "10.213.0.11",
                        io.pigsty.api.plan.Plan.PREFLIGHT, java.util.Optional.of("port 5432 held by nginx")),
                new io.pigsty.api.plan.CheckReport.Entry("pgsql", "10.213.0.11", "pgsql:conf",
                        java.util.Optional.of("+ listen_addresses"))), List.of());
        assertThat(PlanCommands.Check.exitCode(refused)).isEqualTo(PigstyCli.FAILED);
        var pending = new io.pigsty.api.plan.CheckReport("pgsql", refused.entries().subList(1, 2), List.of());
        assertThat(PlanCommands.Check.exitCode(pending)).isEqualTo(PigstyCli.CHANGES);
        var converged = new io.pigsty.api.plan.CheckReport("pgsql", List.of(new io.pigsty.api.plan.CheckReport.Entry(
                "pgsql", "10.213.0.11", "pgsql:conf", java.util.Optional.empty())), List.of());
        assertThat(PlanCommands.Check.exitCode(converged)).isEqualTo(PigstyCli.OK);
    }

    @Test
    void destructivePlaybooksNeedYes() {
        Run r = cli("apply", "pgsql-rm", "pg-test", "--dry-run", "--json");
        assertThat(r.code()).isEqualTo(1);
        JsonNode d = r.valid();
        assertThat(d.get("error").asText()).contains("--yes");
        assertThat(cli("pgsql", "rm", "pg-test", "--dry-run").code()).isEqualTo(1);
        assertThat(cli("pgsql", "rm", "pg-test", "10.213.0.13", "--dry-run").code()).isEqualTo(1);
    }

    @Test
    void pgsqlWrappersApplyTheirPlaybooks() {
        for (String[] args : List.of(new String[] {"pgsql", "user", "pg-test", "test"},
                new String[] {"pgsql", "db", "pg-test", "test"}, new String[] {"pgsql", "svc", "pg-test"},
                new String[] {"pgsql", "hba", "pg-test"}, new String[] {"pgsql", "add", "pg-test", "10.213.0.13"})) {
            List<String> a = new ArrayList<>(List.of(args));
            a.addAll(List.of("--dry-run", "--json"));
            Run r = cli(a.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", a, r.err()).isZero();
            assertThat(r.valid().get("ok").asBoolean()).isTrue();
        }
        Run notMember = cli("pgsql", "add", "pg-test", "10.213.0.99", "--dry-run");
        assertThat(notMember.code()).isEqualTo(1);
        assertThat(notMember.err()).contains("10.213.0.99").contains("not in pg-test");
        Run unknownUser = cli("pgsql", "user", "pg-test", "nobody", "--dry-run");
        assertThat(unknownUser.code()).isEqualTo(1);
        assertThat(unknownUser.err()).contains("nobody");
    }

    // ---- operations against a cluster that does not answer -------------------------------------

    @Test
    void operations_onAClusterThatDoesNotAnswer_exit1_withOneJsonDocument() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: connection refused
        }
        Path inv = write("local.yml", """
                all:
                  children:
                    etcd:
                      hosts: { 127.0.0.1: { etcd_seq: 1 } }
                    pg-x:
                      hosts:
                        127.0.0.1: { pg_seq: 1, pg_role: primary }
                      vars: { pg_cluster: pg-x, patroni_port: %d }
                  vars: { admin_ip: 127.0.0.1 }
                """.formatted(port));
        Run status = cli("status", "-i", inv.toString(), "--json");
        assertThat(status.code()).isEqualTo(1);
        JsonNode d = status.valid();
        assertThat(d.get("clusters").get(0).has("error")).isTrue();
        Run sw = cli("switchover", "pg-x", "-i", inv.toString(), "--json");
        assertThat(sw.code()).isEqualTo(1);
        assertThat(sw.valid().get("command").asText()).isEqualTo("switchover");
        Run human = cli("switchover", "pg-x", "-i", inv.toString());
        assertThat(human.code()).isEqualTo(1);
        assertThat(human.err()).startsWith("pigsty: ").doesNotContain("\tat ");
        Run debug = cli("switchover", "pg-x", "-i", inv.toString(), "--debug");
        assertThat(debug.err()).contains("\tat ");
        assertThat(cli("status", "pg-nope", "-i", inv.toString()).code()).isEqualTo(1);
        assertThat(cli("reinit", "pg-x", "pg-x-1", "-i", inv.toString()).err()).contains("--yes");
    }

    // ---- connection settings -------------------------------------------------------------------

    @Test
    void sshSettingsComeFromAnsibleVariables_flagsWin() throws IOException {
        Path key = write("id_test", "not really a key");
        Path other = write("id_other", "not really a key");
        Inventory inv = Inventory.parseUnvalidated("""
                all:
                  children:
                    pg-x:
                      hosts:
                        10.9.0.1: { pg_seq: 1, pg_role: primary, ansible_host: 192.0.2.1, ansible_port: 2222 }
                        10.9.0.2: { pg_seq: 2, pg_role: replica, ansible_ssh_private_key_file: %s }
                      vars: { pg_cluster: pg-x, ansible_user: dba }
                  vars: { ansible_ssh_private_key_file: %s }
                """.formatted(other, key), "t");
        PigstyCli flags = new PigstyCli();
        Conn.Settings s = Conn.resolve(inv, flags, false);
        assertThat(s.targets().get("10.9.0.1")).isEqualTo(new Conn.Target("10.9.0.1", "192.0.2.1", 2222, "dba", key));
        assertThat(s.targets().get("10.9.0.2")).isEqualTo(new Conn.Target("10.9.0.2", "10.9.0.2", 22, "dba", other));
        assertThat(s.policy()).isEqualTo(HostKeyPolicy.STRICT);

        flags.sshUser = "ops";
        flags.sshKey = key;
        flags.hostKeyPolicy = HostKeyPolicy.ACCEPT_NEW;
        flags.knownHosts = tmp.resolve("kh");
        flags.jump = "jump@192.0.2.9:2200";
        Conn.Settings f = Conn.resolve(inv, flags, false);
        assertThat(f.targets().get("10.9.0.2")).isEqualTo(new Conn.Target("10.9.0.2", "10.9.0.2", 22, "ops", key));
        assertThat(f.knownHosts()).isEqualTo(tmp.resolve("kh"));
        assertThat(f.policy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(f.jump()).contains("jump@192.0.2.9:2200");

        PigstyCli dry = new PigstyCli();
        dry.dryRun = true; // no key needs to exist
        Conn.Settings sandbox = Conn.resolve(Inventory.sample("sandbox"), dry, true);
        assertThat(sandbox.knownHosts()).isEqualTo(Path.of("/var/lib/pigsty-sandbox/keys/known_hosts"));
        assertThat(sandbox.policy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
    }

    @Test
    void badConnectionSettingsNameTheirPath_exit3_orTheFlag_exit2() throws IOException {
        Path inv = write("ssh.yml", """
                all:
                  children:
                    etcd:
                      hosts: { 10.9.0.1: { etcd_seq: 1 } }
                      vars: { etcd_cluster: etcd }
                    pg-x:
                      hosts:
                        10.9.0.1: { pg_seq: 1, pg_role: primary, ansible_port: twenty-two }
                      vars: { pg_cluster: pg-x, ansible_ssh_private_key_file: /nonexistent/key }
                """);
        Run r = cli("check", "pgsql", "pg-x", "-i", inv.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("all.children.pg-x.hosts.10.9.0.1.ansible_port: 'twenty-two' is not a TCP port")
                .contains("all.children.pg-x.vars.ansible_ssh_private_key_file: private key /nonexistent/key");
        Run flag = cli("check", "pgsql", "pg-x", "-i", inv.toString(), "--ssh-key", "/nonexistent/flagkey");
        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err()).contains("--ssh-key /nonexistent/flagkey");
        Run jump = cli("check", "pgsql", "pg-x", "-i", inv.toString(), "--ssh-key", write("k", "x").toString(),
                "--jump", "a@b@c");
        assertThat(jump.code()).isEqualTo(2);
        assertThat(jump.err()).contains("--jump a@b@c");
    }

    // ---- passwords, completion, schema --------------------------------------------------------

    @Test
    void passwords_writesAnInventory_printsThemOnlyWithShow() throws IOException {
        Path out = tmp.resolve("pigsty.yml");
        Run r = cli("passwords", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Inventory written = Inventory.load(out);
        String admin = written.resolveGlobal().get(io.pigsty.model.Params.PG_ADMIN_PASSWORD).reveal();
        assertThat(admin).hasSize(24).isNotEqualTo("DBUser.DBA");
        assertThat(r.out()).contains("pg_admin_password").contains("pg-test.pg_users.test").doesNotContain(admin);
        assertThat(Files.getPosixFilePermissions(out)).hasSize(2);

        Run again = cli("passwords", "-o", out.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("--force");

        Run shown = cli("passwords", "-o", out.toString(), "--force", "--show", "--json");
        assertThat(shown.code()).isZero();
        JsonNode d = shown.valid();
        String shownAdmin = d.get("passwords").get("pg_admin_password").asText();
        assertThat(Inventory.load(out).resolveGlobal().get(io.pigsty.model.Params.PG_ADMIN_PASSWORD).reveal())
                .isEqualTo(shownAdmin);
    }

    @Test
    void completion_isPicocliGenerated_andInstalls() throws IOException {
        Run p = cli("completion", "--print");
        assertThat(p.code()).isZero();
        assertThat(p.out()).contains("complete -F").contains("switchover").contains("--inventory");
        Run i = cli("completion", "--dir", tmp.toString(), "--json");
        assertThat(i.code()).isZero();
        assertThat(i.valid().get("file").asText()).isEqualTo(tmp.resolve("pigsty").toString());
        assertThat(Files.readString(tmp.resolve("pigsty"))).isEqualTo(p.out());
    }

    @Test
    void completion_completesCommandsPlaybooksAndOptionValuesInBash() throws Exception {
        Path script = tmp.resolve("pigsty.bash");
        Files.writeString(script, cli("completion", "--print").out());
        assertThat(complete(script, "pigsty sw")).isEqualTo("switchover");
        assertThat(complete(script, "pigsty apply pg")).isEqualTo("pgsql pgsql-rm pgsql-user pgsql-db pgsql-hba pgsql-svc");
        assertThat(complete(script, "pigsty pgsql ")).isEqualTo("add rm user db svc hba");
        assertThat(complete(script, "pigsty status --host-key-policy ")).isEqualTo("strict accept-new");
        assertThat(complete(script, "pigsty config rto pg-test ")).isEqualTo("fast norm safe wide");
    }

    /** Runs bash's completion function of the generated script for a command line, as the shell does on TAB. */
    private static String complete(Path script, String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String sh = "source " + script + " 2>/dev/null; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=("
                + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _complete_pigsty 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        Process p = new ProcessBuilder("bash", "-c", sh).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("bash returned").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void schemaCommandPrintsTheSchema_andTheCheckerRejectsWrongDocuments() throws IOException {
        Run r = cli("schema");
        assertThat(r.code()).isZero();
        assertThat(JSON.readTree(r.out()).get("$defs").has("apply")).isTrue();
        assertThat(SCHEMA.errors(JSON.readTree("{\"command\":\"apply\",\"ok\":true}"))).isNotEmpty();
        assertThat(SCHEMA.errors(JSON.readTree("{\"command\":\"validate\",\"inventory\":\"x\",\"valid\":\"yes\","
                + "\"errors\":[],\"warnings\":[]}"))).isNotEmpty();
        assertThat(SCHEMA.errors(JSON.readTree("{\"command\":\"validate\",\"inventory\":\"x\",\"valid\":true,"
                + "\"errors\":[],\"warnings\":[]}"))).isEmpty();
    }

    @Test
    void readmeCommandLineSection_everyCommandParses() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int from = readme.indexOf("## Command line");
        assertThat(from).as("README has a Command line section").isPositive();
        String section = readme.substring(from, readme.indexOf("\n## ", from + 5));
        List<String> commands = new ArrayList<>();
        for (String line : section.split("\n")) {
            if (line.startsWith("./pigsty ")) {
                for (String part : line.replaceFirst("\\s+#.*$", "").split("&&")) {
                    commands.add(part.strip().substring("./pigsty ".length()));
                }
            }
        }
        assertThat(commands).hasSizeGreaterThan(15);
        for (String c : commands) {
            CommandLine cl = PigstyCli.commandLine(new PigstyCli());
            // the parser accepts it as written (what a copy-paste runs); execution needs the sandbox
            cl.parseArgs(c.split("\\s+"));
        }
        // and the ones that need no host run here
        assertThat(cli("validate").code()).isZero();
        assertThat(cli("apply", "pgsql", "pg-test", "--dry-run", "-q").code()).isZero();
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
