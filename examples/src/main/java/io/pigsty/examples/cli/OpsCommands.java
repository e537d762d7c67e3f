package io.pigsty.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.api.Playbook;
import io.pigsty.ha.ops.ClusterOperations;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.ha.ops.OperationResult;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PigstyException;
import io.pigsty.model.RtoMode;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Day-2 operations on running clusters through Patroni: status, switchover, failover, restart, ... */
final class OpsCommands {
    private OpsCommands() {
    }

    /** A command on one cluster. */
    @Command
    abstract static class OnCluster extends Base {
        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster (pg_cluster), e.g. pg-test.")
        String cluster;

        /** @return what the operation did, printed by {@link #run()} */
        abstract OperationResult operate(ClusterOperations ops);

        @Override
        int run() {
            try (Engine e = engine()) {
                Out.operation(cli(), spec.name(), operate(e.ops(cluster)));
                return PigstyCli.OK;
            }
        }
    }

    /** {@code pigsty status [CLUSTER]}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Members of each cluster (or one) as Patroni reports them: role, state, timeline, lag.")
    static final class Status extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "CLUSTER", description = "One cluster; default: all.")
        String cluster;

        @Override
        int run() {
            PigstyCli cli = cli();
            try (Engine e = engine()) {
                Inventory inv = e.validated();
                List<String> names = cluster != null ? List.of(inv.requireCluster(cluster).name())
                        : inv.clusters().stream().map(PgCluster::name).toList();
                ObjectNode d = Out.doc("status");
                ArrayNode cs = d.putArray("clusters");
                boolean ok = true;
                for (String n : names) {
                    try {
                        ClusterStatus s = e.ops(n).status();
                        cs.add(Out.status(s));
                        if (!cli.json) {
                            cli.out.println(n + (s.paused() ? " (paused)" : "") + ":");
                            cli.out.print(s.toTable().indent(2));
                        }
                    } catch (PigstyException ex) {
                        ok = false;
                        cs.addObject().put("cluster", n).put("error", ex.getMessage());
                        if (!cli.json) {
                            cli.out.println(n + ": unreachable: " + ex.getMessage());
                        }
                    }
                }
                d.put("ok", ok);
                if (cli.json) {
                    Out.print(cli, d);
                }
                return ok ? PigstyCli.OK : PigstyCli.FAILED;
            }
        }
    }

    /** {@code pigsty switchover CLUSTER [MEMBER]}. */
    @Command(name = "switchover", mixinStandardHelpOptions = true,
            description = "Planned switchover: the leader hands over to MEMBER (or Patroni's best candidate) and "
                    + "rejoins as a replica. Refused (exit 1) without a healthy, caught-up candidate.")
    static final class Switchover extends OnCluster {
        @Parameters(index = "1", arity = "0..1", paramLabel = "MEMBER", description = "The new leader, e.g. pg-test-2.")
        String member;

        @Override
        OperationResult operate(ClusterOperations ops) {
            return ops.switchover(Optional.ofNullable(member));
        }
    }

    /** {@code pigsty failover CLUSTER MEMBER}. */
    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Manual failover to MEMBER: works without a healthy leader. Refused when MEMBER is down or "
                    + "lags more than pg_rpo.")
    static final class Failover extends OnCluster {
        @Parameters(index = "1", paramLabel = "MEMBER", description = "The member to promote, e.g. pg-test-2.")
        String member;

        @Override
        OperationResult operate(ClusterOperations ops) {
            return ops.failover(member);
        }
    }

    /** {@code pigsty restart CLUSTER [MEMBER] [--rolling]}. */
    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Restart PostgreSQL on one member, or on every member (--rolling: replicas one at a time, "
                    + "each streaming again before the next, the leader last).")
    static final class Restart extends OnCluster {
        @Parameters(index = "1", arity = "0..1", paramLabel = "MEMBER", description = "Only this member.")
        String member;

        @Option(names = "--rolling", description = "One member at a time, the leader last.")
        boolean rolling;

        @Override
        OperationResult operate(ClusterOperations ops) {
            if (member != null && rolling) {
                throw new PigstyCli.UsageError("restart: --rolling restarts the whole cluster; drop MEMBER or --rolling");
            }
            return member != null ? ops.restart(member) : ops.restartCluster(rolling);
        }
    }

    /** The shape of reload, pause and resume: one call on the cluster, its result reported. */
    @Command
    abstract static class OneCall extends OnCluster {
        private final java.util.function.Function<ClusterOperations, OperationResult> call;

        OneCall(java.util.function.Function<ClusterOperations, OperationResult> call) {
            this.call = call;
        }

        @Override
        final OperationResult operate(ClusterOperations ops) {
            return call.apply(ops);
        }
    }

    /** {@code pigsty reload CLUSTER}. */
    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Make every member re-read its configuration (no restart); names members left pending restart.")
    static final class Reload extends OneCall {
        Reload() {
            super(ClusterOperations::reload);
        }
    }

    /** {@code pigsty pause CLUSTER}. */
    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Maintenance mode: Patroni stops automatic failover until resume.")
    static final class Pause extends OneCall {
        Pause() {
            super(ClusterOperations::pause);
        }
    }

    /** {@code pigsty resume CLUSTER}. */
    @Command(name = "resume", mixinStandardHelpOptions = true, description = "End maintenance mode.")
    static final class Resume extends OneCall {
        Resume() {
            super(ClusterOperations::resume);
        }
    }

    /** {@code pigsty reinit CLUSTER MEMBER}. */
    @Command(name = "reinit", mixinStandardHelpOptions = true,
            description = "Rebuild a replica from the leader (its data directory is replaced); never the leader.")
    static final class Reinit extends OnCluster {
        @Parameters(index = "1", paramLabel = "MEMBER", description = "The replica, e.g. pg-test-3.")
        String member;

        @Option(names = "--yes", description = "Confirm: the replica's data directory is replaced.")
        boolean yes;

        @Override
        OperationResult operate(ClusterOperations ops) {
            if (!yes) {
                throw new PigstyException("reinit " + member + " replaces its data directory: refused without --yes");
            }
            return ops.reinit(member);
        }
    }

    /** {@code pigsty config rto|rpo}. */
    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Change a running cluster's pg_rto or pg_rpo live: Patroni's dynamic configuration, then "
                    + "HAProxy's service timings (pgsql-svc). Put the same value in the inventory to keep it.",
            subcommands = {Config.Rto.class, Config.Rpo.class})
    static final class Config extends Base {
        @Override
        int run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "config needs rto or rpo");
        }

        /** The shared flow: patch Patroni, apply pgsql-svc on the changed inventory. */
        @Command
        abstract static class Change extends Base {
            @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster, e.g. pg-test.")
            String cluster;

            abstract PgCluster changed(PgCluster c);

            abstract String setting();

            @Override
            int run() {
                PigstyCli cli = cli();
                try (Engine e = engine()) {
                    Inventory inv = e.validated();
                    Inventory changed = inv.withCluster(changed(inv.requireCluster(cluster)));
                    changed.validate().orThrow();
                    Engine after = e.withInventory(changed);
                    ClusterOperations ops = after.ops(cluster);
                    OperationResult r = ops.patchConfig(ClusterOperations.rtoRpoChange(changed, cluster));
                    Engine live = after.withLiveRoles(r.after());
                    Applied a = applied(live, List.of(live.plan(Playbook.pgsqlSvc(cluster))));
                    String keep = "keep it: set " + setting() + " in " + cluster + ".vars of " + e.source();
                    if (cli.json) {
                        ObjectNode d = Out.operation("config", r).put("setting", setting()).put("hint", keep);
                        d.set("apply", a.json());
                        d.put("ok", a.code() == PigstyCli.OK);
                        Out.print(cli, d);
                    } else {
                        cli.out.println(r.operation() + ": Patroni done in " + r.elapsed().toMillis() + " ms");
                        r.observations().forEach(o -> cli.out.println("  " + o));
                        cli.out.print(a.text());
                        cli.out.println(keep);
                    }
                    return a.code();
                }
            }
        }

        /** {@code pigsty config rto CLUSTER fast|norm|safe|wide}. */
        @Command(name = "rto", mixinStandardHelpOptions = true,
                description = "Set pg_rto: fast (<30 s), norm (<45 s), safe (<90 s), wide (<150 s).")
        static final class Rto extends Change {
            @Parameters(index = "1", paramLabel = "MODE", description = "fast, norm, safe or wide.",
                    completionCandidates = Modes.class)
            RtoMode mode;

            @Override
            PgCluster changed(PgCluster c) {
                return c.toBuilder().set(Params.PG_RTO, mode).build();
            }

            @Override
            String setting() {
                return "pg_rto: " + mode.value();
            }
        }

        /** The words pg_rto takes, for completion. */
        static final class Modes implements Iterable<String> {
            @Override
            public java.util.Iterator<String> iterator() {
                return java.util.Arrays.stream(RtoMode.values()).map(RtoMode::value).iterator();
            }
        }

        /** {@code pigsty config rpo CLUSTER BYTES}. */
        @Command(name = "rpo", mixinStandardHelpOptions = true,
                description = "Set pg_rpo: the most data (bytes) a failover may lose; 0 means synchronous commit.")
        static final class Rpo extends Change {
            @Parameters(index = "1", paramLabel = "BYTES", description = "e.g. 0 or 1048576.")
            long bytes;

            @Override
            PgCluster changed(PgCluster c) {
                if (bytes < 0) {
                    throw new PigstyCli.UsageError("config rpo: BYTES must be >= 0, got " + bytes);
                }
                return c.toBuilder().set(Params.PG_RPO, bytes).build();
            }

            @Override
            String setting() {
                return "pg_rpo: " + bytes;
            }
        }
    }
}
