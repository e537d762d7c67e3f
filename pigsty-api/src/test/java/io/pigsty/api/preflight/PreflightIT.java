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
}
