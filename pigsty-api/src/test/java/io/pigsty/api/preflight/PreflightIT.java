package io.pigsty.api.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preflight probe against this real Debian host through the local executor: real apt,
 * real listeners, real interfaces. Each planted problem is reported, each satisfied check is not.
 */
class PreflightIT {
    @Test
    void realHost_reportsEveryPlantedProblem_andNothingElse(@TempDir Path tmp) throws Exception {
        boolean debian = Files.exists(Path.of("/usr/bin/apt-cache")) && "root".equals(System.getProperty("user.name"));
        if (!debian && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must run this as root on Debian");
        }
        Assumptions.assumeTrue(debian, "needs root on Debian (apt-cache, ss, ip)");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int freePort = free.getLocalPort();
            free.close();
            boolean systemd = Files.isDirectory(Path.of("/run/systemd/system"));
            HostExpectations e = new HostExpectations(List.of("postgresql-15", "pigsty-no-such-package"), Map.of("postgresql-15", "99"),
                    Map.of(held.getLocalPort(), Set.of("postgres"), freePort, Set.of("postgres")),
                    List.of("lo", "pgsty-nosuch0"), List.of("127.0.0.1", "192.0.2.77"), Optional.of("127.0.0.2"),
                    Optional.of(data.toString()), Optional.of("pg-test"), tmp.toString(), 1_000_000_000L, 100_000_000L);
            Host h = Host.of("127.0.0.1");
            PreflightReport r = Preflight.of(Map.of(h, e)).run(new LocalExecutor());
            List<String> checks = r.problems().stream().map(p -> p.check() + " " + p.expected() + " | " + p.found()).toList();
            assertThat(checks).as(r.toText()).anySatisfy(c -> assertThat(c).startsWith("package pigsty-no-such-package available")
                            .endsWith("no candidate (apt-cache policy pigsty-no-such-package)"))
                    .anySatisfy(c -> assertThat(c).startsWith("package postgresql-15 >= 99 | candidate 15"))
                    .anySatisfy(c -> assertThat(c).isEqualTo("interface interface pgsty-nosuch0 (pg_vip_interface) | no such interface"))
                    .anySatisfy(c -> assertThat(c).isEqualTo("address 192.0.2.77 on an interface of the host | not assigned"))
                    .anySatisfy(c -> assertThat(c).isEqualTo("port port " + held.getLocalPort() + " free or held by postgres | held by java"))
                    .anySatisfy(c -> assertThat(c).startsWith("vip VIP 127.0.0.2 free or held by a member | it answers ping"))
                    .anySatisfy(c -> assertThat(c).startsWith("disk 1000000000 MiB free under " + tmp))
                    .anySatisfy(c -> assertThat(c).startsWith("memory at least 100000000 MiB"))
                    .anySatisfy(c -> assertThat(c).startsWith("data-dir " + data + " empty, or a cluster of Patroni scope pg-test")
                            .contains("a PostgreSQL 15 data directory"));
            assertThat(checks).noneMatch(c -> c.contains("postgresql-15 available")).noneMatch(c -> c.contains("interface lo"))
                    .noneMatch(c -> c.contains("address 127.0.0.1")).noneMatch(c -> c.contains("port " + freePort))
                    .noneMatch(c -> c.startsWith("os ")).noneMatch(c -> c.startsWith("privilege"));
            assertThat(checks.stream().anyMatch(c -> c.startsWith("systemd"))).isEqualTo(!systemd);
            // a postmaster of another test on this shared machine is rightly reported too, but is not planted here
            assertThat(r.problems().stream().filter(p -> !p.check().equals("postgres"))).hasSize(9 + (systemd ? 0 : 1));
            assertThat(r.toText()).endsWith("preflight: " + r.problems().size() + " problems on 1 of 1 hosts\n");
            assertThat(r.toJson()).startsWith("{\"ok\":false,\"hosts\":[\"127.0.0.1\"],\"problems\":[{\"host\":\"127.0.0.1\"");
        }
    }

    @Test
    void realHost_nodeNamesResolveToTheHostsTheyName(@TempDir Path tmp) throws Exception {
        boolean debian = Files.exists(Path.of("/usr/bin/getent")) && "root".equals(System.getProperty("user.name"));
        if (!debian && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must run this as root on Debian");
        }
        Assumptions.assumeTrue(debian, "needs root on Debian (getent, hostname)");
        String self = new String(new ProcessBuilder("hostname").start().getInputStream().readAllBytes()).strip();
        // what this host's /etc/hosts says, read here independently of the probe
        List<String> hosts = Files.readAllLines(Path.of("/etc/hosts"));
        String other = hosts.stream().map(l -> l.replaceAll("#.*", "").strip().split("\\s+"))
                .filter(f -> f.length > 1 && f[0].startsWith("127.")).flatMap(f -> java.util.Arrays.stream(f).skip(1))
                .filter(n -> !n.equals("localhost") && !n.equals(self)).findFirst().orElse(null);
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        names.put("localhost", "127.0.0.1");               // this host's own name, on loopback: fine
        names.put("pigsty-no-such-node-name", "127.0.0.4"); // unresolved: fine, the plan connects by address
        names.put(self, "127.0.0.3");                       // planted: this host carries another node's name
        if (other != null) {
            names.put(other, "127.0.0.2");                  // planted: /etc/hosts sends another node's name here
        }
        HostExpectations e = new HostExpectations(List.of(), Map.of(), Map.of(), List.of(), List.of("127.0.0.1"), Optional.empty(),
                Optional.empty(), Optional.empty(), tmp.toString(), 1, 1, names);
        PreflightReport r = Preflight.of(Map.of(Host.of("127.0.0.1"), e)).run(new LocalExecutor());
        List<String> checks = r.problems().stream().filter(p -> p.check().equals("hostname"))
                .map(p -> p.expected() + " | " + p.found()).toList();
        List<String> want = new java.util.ArrayList<>(List.of(
                "a hostname other than " + self + ", the nodename of 127.0.0.3 | this host is called " + self
                        + " (addresses swapped in the inventory, or a cloned machine?)"));
        String selfResolves = new String(new ProcessBuilder("getent", "-s", "files", "ahosts", self).start().getInputStream()
                .readAllBytes()).lines().map(l -> l.split("\\s+")[0]).distinct().collect(java.util.stream.Collectors.joining(" "));
        if (!selfResolves.isEmpty()) {
            want.add(self + " (nodename of 127.0.0.3) unresolved or resolving to 127.0.0.3 | /etc/hosts resolves it to " + selfResolves);
        }
        if (other != null) {
            want.add(other + " (nodename of 127.0.0.2) unresolved or resolving to 127.0.0.2 | /etc/hosts resolves it to 127.0.0.1");
        }
        assertThat(checks).as(r.toText()).containsExactlyInAnyOrderElementsOf(want);
        assertThat(r.toText()).contains("127.0.0.1: hostname: expected a hostname other than " + self);
    }
}
