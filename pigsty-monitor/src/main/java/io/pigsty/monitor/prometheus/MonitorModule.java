package io.pigsty.monitor.prometheus;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Node;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * MONITOR: registers a cluster's members with Prometheus on every infra node, the way Pigsty does,
 * with one file_sd target file per instance and job ({@code /etc/prometheus/targets/pgsql/pg-test-1.yml}).
 * In {@code pgsql} every member's files are written, so scale-out registers the new member. In
 * {@code pgsql-rm} the removed members' files go, so scale-in deregisters the member. Prometheus
 * re-reads target files by itself, so no reload is needed.
 */
public final class MonitorModule implements PigstyModule {
    @Override
    public String name() {
        return "MONITOR";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        String pb = ctx.playbook().name();
        if (!pb.equals("pgsql") && !pb.equals("pgsql-rm")) {
            return;
        }
        Inventory inv = ctx.inventory();
        List<Node> infra = inv.infra().map(g -> g.nodes()).orElse(List.of());
        if (infra.isEmpty()) {
            return; // no Prometheus to register with
        }
        PgCluster c = inv.requireCluster(ctx.playbook().requireCluster());
        PrometheusArtifacts prom = PrometheusArtifacts.of(inv);
        Optional<String> only = ctx.playbook().arg("instance");
        for (Node n : infra) {
            Host h = new Host(n.ip(), "infra@" + n.ip());
            Set<String> dirs = new TreeSet<>();
            for (PgInstance i : c.instances()) {
                String ins = Names.instance(c.name(), i.seq());
                if (pb.equals("pgsql-rm") && only.isPresent() && !only.get().equals(i.ip()) && !only.get().equals(ins)) {
                    continue;
                }
                for (ScrapeJob job : ScrapeJob.values()) {
                    Optional<ScrapeTarget> t = prom.target(job, ins);
                    String path = prom.targetsDir() + "/" + job.jobName() + "/" + ins + ".yml";
                    if (pb.equals("pgsql")) {
                        if (t.isEmpty()) {
                            continue;
                        }
                        if (dirs.add(prom.targetsDir() + "/" + job.jobName())) {
                            plan.add("monitor", h, Steps.directory(prom.targetsDir() + "/" + job.jobName(), "0755", "root", "root"));
                        }
                        plan.add("monitor", h, Steps.file(FileSpec.text(path, prom.targetFile(t.get()), "0644", "root")));
                    } else {
                        plan.add("monitor", h, Steps.command("target-rm:" + path, "deregister " + ins + " from Prometheus job "
                                        + job.jobName(), Command.shell("[ ! -e " + path + " ]").build(),
                                Command.of("rm", "-f", path)));
                    }
                }
            }
        }
    }
}
