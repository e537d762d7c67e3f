package io.pigsty.api.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.plan.Plan;
import io.pigsty.api.preflight.internal.Probe;
import io.pigsty.model.Inventory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreflightTest {
    @Test
    void pgsqlPlan_expectsItsPortsVipDataDirAndPackages() {
        Inventory inv = Inventory.sample("sandbox");
        Plan plan = Pigsty.builder().inventory(inv).build().plan(Playbook.pgsqlCreate("pg-test"));
        Preflight p = Preflight.of(inv, Playbook.pgsqlCreate("pg-test"), plan.phases(), h -> HostFacts.offline(
                inv.resolve(inv.cluster("pg-test").orElseThrow(), inv.cluster("pg-test").orElseThrow().instances().get(0))));
        HostExpectations e = p.expectations().entrySet().stream().filter(x -> x.getKey().address().equals("10.213.0.12"))
                .findFirst().orElseThrow().getValue();
        assertThat(e.ports()).containsKeys(5432, 6432, 8008, 5433, 5434, 5436, 5438, 9101);
        assertThat(e.ports().get(5432)).containsExactly("postgres");
        assertThat(e.vip()).hasValue("10.213.0.3");
        assertThat(e.addresses()).startsWith("10.213.0.12");
        assertThat(e.dataDir()).hasValue("/pg/data");
        assertThat(e.patroniScope()).hasValue("pg-test");
        assertThat(e.packages()).contains("postgresql-15");
        String script = Probe.script(e);
        assertThat(script).contains("apt-cache policy", "ss -Hltnp", "ping -c1 -W1 10.213.0.3", "/pg/data/PG_VERSION");
    }

    @Test
    void clocks_theOddHostOutIsNamed() {
        Map<Host, Probe.Answer> answers = new LinkedHashMap<>();
        answers.put(Host.of("10.213.0.11"), Probe.parse("clock_ms=100000\n", 100000, 5));
        answers.put(Host.of("10.213.0.12"), Probe.parse("clock_ms=100200\n", 100000, 5));
        answers.put(Host.of("10.213.0.13"), Probe.parse("clock_ms=103500\n", 100000, 5));
        List<PreflightProblem> out = new ArrayList<>();
        Probe.evaluateClocks(answers, Duration.ofSeconds(1), out);
        assertThat(out).extracting(PreflightProblem::line).containsExactly(
                "10.213.0.13: clock: expected within 1000 ms of the other hosts, found +3300 ms");
    }

    @Test
    void runningDebianDefault_isANote_aForeignPostmasterAProblem() {
        HostExpectations e = new HostExpectations(List.of(), Map.of(), Map.of(), List.of(), List.of(), java.util.Optional.empty(),
                java.util.Optional.of("/pg/data"), java.util.Optional.of("pg-test"), "/", 0, 0);
        Probe.Answer a = Probe.parse("os=debian 12\nsystemd=yes\nuid=0\npgdata=none\npgdata_real=/data/postgres/pg-test-15/data\n"
                + "pgrun=/var/lib/postgresql/15/main\npgrun=/srv/other\n", 0, 0);
        List<PreflightProblem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Probe.evaluate("10.213.0.11", e, a, problems, notes);
        assertThat(problems).extracting(PreflightProblem::line).containsExactly(
                "10.213.0.11: postgres: expected no PostgreSQL the inventory does not describe, found a postmaster running on /srv/other");
        assertThat(notes).containsExactly("10.213.0.11: Debian's default cluster /var/lib/postgresql/15/main is running;"
                + " node:debian-defaults drops it");
    }
}
