package io.pigsty.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Host;
import io.pigsty.examples.cli.PigstyCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preflight on real hosts (issue 16): one inventory with four planted problems on the spare
 * node 10.213.0.15 (a VIP interface that does not exist, a package apt cannot find, a port held by
 * a listener the test starts, a data directory that already holds a PostgreSQL cluster).
 * {@code pigsty apply pgsql} refuses, listing all four with their host, exits non-zero, and changes
 * nothing on any node (files under {@code /etc}, enabled units and installed packages compared
 * before and after). The same inventory without the problems then deploys.
 */
@UsesSharedSandbox
@Order(ItOrder.CHANGES + 20)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreflightSandboxIT {
    static final String IP = "10.213.0.15";
    static final Host NODE = new Host(IP, IP);
    static final String NO_SUCH_PACKAGE = "pigsty-no-such-package";
    // pg-pre's primary service (HAProxy's); Patroni's 8008 may rightly be held by python3 (Patroni is one), and a
    // node's stock PgBouncer may hold 6432
    static final int HELD_PORT = 5433;
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;

    /** The shared inventory plus pg-pre, a one-member cluster on the spare node, with or without the problems. */
    static Path inventory(boolean planted) throws IOException {
        String pre = """
                    pg-pre:
                      hosts:
                        10.213.0.15: { pg_seq: 1, pg_role: primary }
                      vars:
                        pg_cluster: pg-pre
                        pg_vip_enabled: true
                        pg_vip_address: 10.213.0.4/24
                        pg_vip_interface: %s
                %s""".formatted(planted ? "eth9" : "eth0", planted ? "        pg_packages: [" + NO_SUCH_PACKAGE + "]\n" : "");
        Path p = dir.resolve(planted ? "planted.yml" : "fixed.yml");
        Files.writeString(p, SharedSandbox.withGroup(SharedSandbox.inventoryText(), pre));
        return p;
    }

    record Run(int code, String out, String err) {
    }

    static Run cli(SharedSandbox shared, String... words) {
        List<String> a = new ArrayList<>(List.of(words));
        a.addAll(List.of("--known-hosts", shared.sandbox().knownHosts().toString(), "--ssh-key", shared.sandbox().clientKey().toString(),
                "--host-key-policy", "accept-new", "--pki", io.pigsty.sandbox.Sandbox.PKI_DIR.toString()));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = PigstyCli.run(a.toArray(String[]::new), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        Run r = new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        System.out.println("$ pigsty " + String.join(" ", a) + "\n" + r.out() + r.err() + "exit " + code);
        return r;
    }

    static String run(SharedSandbox shared, Host h, String script) {
        ExecResult r = shared.executor().run(h, Command.shell(script).timeout(Duration.ofSeconds(120)).build());
        assertThat(r.ok()).as(script + " on " + h.address() + ": " + r.stderr()).isTrue();
        return r.stdout();
    }

    /** What a change would show: files under /etc (path, size, mtime), enabled units, installed packages. */
    static Map<String, String> snapshot(SharedSandbox shared) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var n : shared.nodes()) {
            out.put(n.ip() + " /etc", run(shared, n.host(), "find /etc -xdev -printf '%P %s %T@\\n' | sort | sha256sum"));
            out.put(n.ip() + " units", run(shared, n.host(), "systemctl list-unit-files --state=enabled --no-legend | sort"));
            out.put(n.ip() + " packages", run(shared, n.host(), "dpkg-query -W -f '${Package} ${Version} ${Status}\\n' | sha256sum"));
        }
        return out;
    }

    @Test
    @Order(1)
    void apply_refusesWithAllFourPlantedProblems_andChangesNothing(SharedSandbox shared) throws Exception {
        Path fixed = inventory(false);
        // the node playbook first (what a user runs before pgsql); its changes are not the point here
        assertThat(cli(shared, "apply", "node", "pg-pre", "-i", fixed.toString()).code()).isZero();
        // plant: a PostgreSQL cluster in pg_data that no Patroni of ours manages, a listener on the primary service's port
        run(shared, NODE, "systemctl disable --now patroni 2>/dev/null; rm -f /etc/patroni/patroni.yml; rm -rf /pg/data;"
                + " install -d -o postgres -g postgres -m 700 /pg/data && su postgres -c "
                + "'/usr/lib/postgresql/15/bin/initdb -D /pg/data -A trust >/dev/null' && test -f /pg/data/PG_VERSION");
        run(shared, NODE, "setsid nohup python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, "
                + "socket.SO_REUSEADDR, 1); s.bind((\"0.0.0.0\", " + HELD_PORT + ")); s.listen(1); time.sleep(3600)' "
                + ">/dev/null 2>&1 < /dev/null & echo $! > /tmp/held-port.pid");
        SharedSandbox.await("the planted listener holds port " + HELD_PORT, Duration.ofSeconds(20),
                () -> run(shared, NODE, "ss -Hltn 'sport = :" + HELD_PORT + "'").contains(":" + HELD_PORT));
        Map<String, String> before = snapshot(shared);
        Path planted = inventory(true);
        Run r = cli(shared, "apply", "pgsql", "pg-pre", "-i", planted.toString(), "--json");
        assertThat(r.code()).as("apply refuses").isNotZero();
        JsonNode d = JSON.readTree(r.out());
        assertThat(d.get("ok").asBoolean()).isFalse();
        List<String> errors = new ArrayList<>();
        d.get("steps").forEach(s -> {
            assertThat(s.get("status").asText()).as("every step of a refused apply is a refusal: " + s).isEqualTo("failed");
            errors.add(s.get("host").asText() + " | " + s.get("error").asText());
        });
        String all = String.join("\n", errors);
        assertThat(errors).as(all).hasSize(1).allMatch(e -> e.startsWith(IP + " | "));
        assertThat(all).as("the four planted problems, with their host")
                .containsPattern(IP + ": interface: expected interface eth9 \\(pg_vip_interface\\)")
                .containsPattern(IP + ": package: expected " + NO_SUCH_PACKAGE + " available from the host's apt sources, found no candidate")
                .containsPattern(IP + ": port: expected port " + HELD_PORT + " free or held by haproxy, found held by python3")
                .containsPattern(IP + ": data-dir: expected /pg/data empty, or a cluster of Patroni scope pg-pre, found a PostgreSQL 15 data directory");
        assertThat(d.get("notes").toString()).contains("no host was changed");
        assertThat(snapshot(shared)).as("nothing changed on any node").isEqualTo(before);
    }

    @Test
    @Order(2)
    void theSameInventoryWithoutTheProblems_deploys(SharedSandbox shared) throws Exception {
        run(shared, NODE, "kill $(cat /tmp/held-port.pid) 2>/dev/null; rm -rf /pg/data /tmp/held-port.pid");
        SharedSandbox.await("port " + HELD_PORT + " is free again", Duration.ofSeconds(20),
                () -> !run(shared, NODE, "ss -Hltn 'sport = :" + HELD_PORT + "'").contains(":" + HELD_PORT));
        Run r = cli(shared, "apply", "pgsql", "pg-pre", "-i", inventory(false).toString());
        assertThat(r.code()).as("apply of the fixed inventory").isZero();
        try (Connection c = SharedSandbox.connectDba("10.213.0.4", 5432, "postgres")) {
            assertThat(SharedSandbox.one(c, "select host(inet_server_addr())")).as("the VIP on eth0 leads to pg-pre").isEqualTo("10.213.0.4");
            assertThat(SharedSandbox.one(c, "select pg_is_in_recovery()")).isEqualTo("f");
        }
    }
}
