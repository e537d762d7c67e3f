package io.pigsty.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.exec.ExecResult;
import io.pigsty.model.DebianRelease;
import io.pigsty.sandbox.internal.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The Debian 13 node template carries a working PostgreSQL 17 with pgvector, PostGIS and pg_cron,
 * shown without booting a node: the template is built if missing, then PostgreSQL runs from it in
 * a private mount, PID and network namespace, on an overlay whose lower layer is the template, so
 * the template itself is never written. Needs root, like the sandbox.
 *
 * <p>Not part of {@code ./pigsty test} (its name is not an IT's): building the template took 910 s
 * here (with other builds running), too much for CI's budget until a sandbox test needs the template
 * anyway; with the template cached it takes about 17 s. Run it with
 * {@code mvn -pl pigsty-sandbox -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=Debian13TemplateCheck}.
 */
class Debian13TemplateCheck {
    static Path template;

    @BeforeAll
    static void template() {
        String why = Sandbox.unavailableReason().orElse(null);
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but " + why);
            }
            throw new TestAbortedException("SKIPPED, " + why);
        }
        long t0 = System.nanoTime();
        template = Sandbox.builder().progress(System.out::println).build().ensureTemplate(DebianRelease.DEBIAN13);
        System.out.printf("Debian 13 template %s ready after %.0f s%n", template, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The proof as one script: initdb, start on a Unix socket, queries, stop by the postmaster's PID.
     * Runs in its own network namespace (only its own loopback), so no port of this machine is used.
     */
    static String proof(Path t, Path w) {
        String sql = String.join("; ",
                "select version()",
                "show shared_preload_libraries",
                "create extension vector",
                "create extension postgis",
                "create extension pg_cron",
                "select string_agg(extname || ' ' || extversion, ', ' order by extname) from pg_extension where extname <> 'plpgsql'",
                "create table items(id int primary key, v vector(3))",
                "insert into items values (1, '[1,1,1]'), (2, '[5,5,5]'), (3, '[9,0,0]')",
                "select 'nearest ' || id from items order by v <-> '[4,5,6]' limit 1",
                "select 'distance ' || ST_Distance('POINT(0 0)'::geometry, 'POINT(3 4)'::geometry)",
                "select 'cron job ' || cron.schedule('hit', '* * * * *', 'select 1')");
        String asPostgres = String.join("\n",
                "set -e",
                "b=/usr/lib/postgresql/17/bin",
                "$b/initdb -D /tmp/pgdata -A trust -U postgres >/tmp/initdb.log",
                "$b/pg_ctl -D /tmp/pgdata -l /tmp/pg.log -w -t 60 -o \"-c listen_addresses='' -k /tmp "
                        + "-c shared_preload_libraries=pg_cron -c cron.database_name=postgres\" start >/dev/null",
                "echo \"postmaster pid $(head -1 /tmp/pgdata/postmaster.pid)\"",
                // one statement per line through stdin: each result printed, the first error stops it
                "printf '%s;\\n' " + io.pigsty.api.quote.ShellQuote.quote(sql.replace("; ", ";\n"))
                        + " | psql -h /tmp -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq -f -");
        String inNs = String.join("\n",
                "set -e",
                "m=" + w + "/merged",
                "mount -t overlay overlay -o lowerdir=" + t + ",upperdir=" + w + "/upper,workdir=" + w + "/work $m",
                "mount -t proc proc $m/proc; mount --rbind /dev $m/dev; ip link set lo up",
                "rc=0; chroot $m runuser -u postgres -- sh -c " + io.pigsty.api.quote.ShellQuote.quote(asPostgres) + " || rc=$?",
                // stop by PID, bounded; the PID namespace would also end it when this script exits
                "p=$(head -1 $m/tmp/pgdata/postmaster.pid 2>/dev/null || true)",
                "if [ -n \"$p\" ]; then kill -INT $p; i=0; while kill -0 $p 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
                        + "kill -0 $p 2>/dev/null && echo 'postmaster still running' || echo \"postmaster $p stopped\"; fi",
                "[ $rc = 0 ] || { tail -20 $m/tmp/pg.log; exit $rc; }");
        return String.join("\n",
                "set -e",
                "rm -rf " + w + "; mkdir -p " + w + "/upper " + w + "/work " + w + "/merged",
                "rc=0; unshare --mount --pid --fork --net --propagation private sh -c " + io.pigsty.api.quote.ShellQuote.quote(inNs)
                        + " || rc=$?",
                "rm -rf " + w,
                "exit $rc");
    }

    @Test
    void postgres17_withVectorPostgisAndPgCron_runsFromTheTemplate_andLeavesItClean() throws Exception {
        assertThat(template.getFileName().toString()).startsWith("template-debian13-");
        assertThat(Sh.run("chroot " + template + " dpkg-query -W -f='${Package} ${Version}\\n' postgresql-17 postgresql-17-pgvector "
                + "postgresql-17-postgis-3 postgresql-17-cron patroni pgbouncer haproxy keepalived etcd-server cron "
                + "prometheus-node-exporter default-jre-headless openssh-server pgbackrest", Duration.ofSeconds(30)).stdout())
                .contains("postgresql-17 17.").contains("patroni 4.").contains("etcd-server 3.5");
        Path w = Files.createTempDirectory("pg17proof");
        long t0 = System.nanoTime();
        ExecResult r = Sh.run(proof(template, w), Duration.ofMinutes(3));
        String out = r.stdout();
        System.out.printf("PostgreSQL 17 proof in %.1f s (rc %d):%n%s%s%n", (System.nanoTime() - t0) / 1e9, r.exitCode(), out, r.stderr());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(out).contains("PostgreSQL 17.").contains("pg_cron\n").contains("nearest 2\n").contains("distance 5\n")
                .contains("cron job 1\n").containsPattern("pg_cron 1\\.\\d+, postgis 3\\.\\d+\\.\\d+, vector 0\\.\\d+\\.\\d+")
                .containsPattern("postmaster \\d+ stopped");
        // nothing left: no data directory in the template, no work directory, no postgres running from it
        assertThat(Files.exists(template.resolve("tmp/pgdata"))).isFalse();
        assertThat(Files.exists(w)).isFalse();
        assertThat(Sh.run("find " + template + " -newer " + template + "/.pigsty-ready | head -5", Duration.ofMinutes(1)).stdout())
                .as("files in the template changed after it was built").isEmpty();
        assertThat(Sh.run("grep -c " + w + " /proc/mounts || true", Duration.ofSeconds(10)).stdout().strip()).isEqualTo("0");
    }
}
