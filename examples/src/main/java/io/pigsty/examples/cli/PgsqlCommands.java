package io.pigsty.examples.cli;

import io.pigsty.api.Playbook;
import io.pigsty.api.plan.Plan;
import io.pigsty.model.PigstyException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Pigsty's {@code bin/pgsql-*} wrappers as {@code pigsty pgsql add|rm|user|db|svc|hba}. */
@Command(name = "pgsql", mixinStandardHelpOptions = true,
        description = "Pigsty's pgsql wrappers: create or extend a cluster, remove it or members, apply one user, "
                + "database, the services or the HBA rules.",
        subcommands = {PgsqlCommands.Add.class, PgsqlCommands.Rm.class, PgsqlCommands.User.class, PgsqlCommands.Db.class,
            PgsqlCommands.Svc.class, PgsqlCommands.Hba.class})
final class PgsqlCommands extends Base {
    @Override
    int run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "pgsql needs a subcommand: add, rm, user, db, svc, hba");
    }

    /** {@code pigsty pgsql add CLUSTER [IP...]} (bin/pgsql-add). */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Without IP: create the cluster (node preparation, then pgsql). With IPs: scale out: those "
                    + "members, already in the inventory, join the running cluster; every member's HBA rules and "
                    + "services include them.")
    static final class Add extends Base {
        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster, e.g. pg-test.")
        String cluster;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "IP", description = "New members' addresses.")
        List<String> ips = new ArrayList<>();

        @Override
        int run() {
            try (Engine e = engine()) {
                e.validated().requireCluster(cluster);
                List<String> unknown = ips.stream().filter(ip -> !e.hasMember(cluster, ip)).toList();
                if (!unknown.isEmpty()) {
                    throw new PigstyException("pgsql add " + cluster + ": " + unknown + " not in " + cluster
                            + " of " + e.source() + "; add the instance(s) to the inventory first, as with bin/pgsql-add");
                }
                List<Plan> plans = ips.isEmpty()
                        ? List.of(e.plan(Playbook.node(cluster)), e.plan(Playbook.pgsqlCreate(cluster)))
                        : e.scaleOut(cluster);
                return apply(e, plans);
            }
        }
    }

    /** {@code pigsty pgsql rm CLUSTER [IP...] --yes} (bin/pgsql-rm). */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Without IP: remove the cluster. With IPs: scale in: remove those replicas, then re-render "
                    + "the services and HBA rules of the rest (remove them from the inventory afterwards). Needs --yes; "
                    + "pg_safeguard: true refuses always.")
    static final class Rm extends Base {
        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster, e.g. pg-test.")
        String cluster;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "IP", description = "Members to remove.")
        List<String> ips = new ArrayList<>();

        @Option(names = "--yes", description = "Confirm the removal.")
        boolean yes;

        @Override
        int run() {
            try (Engine e = engine()) {
                e.validated().requireCluster(cluster);
                if (ips.isEmpty()) {
                    return apply(e, List.of(e.plan(confirmed(Playbook.pgsqlRemove(cluster), yes))));
                }
                confirmed(Playbook.pgsqlRemoveInstance(cluster, ips.get(0)), yes);
                List<Plan> plans = new ArrayList<>();
                for (String ip : ips) {
                    plans.addAll(e.scaleIn(cluster, ip));
                }
                return apply(e, plans);
            }
        }
    }

    /** The shape of user, db, svc and hba: a cluster (and a name) make one playbook, which is applied. */
    @Command
    abstract static class ApplyOne extends Base {
        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster.")
        String cluster;

        /** @return the playbook the arguments name */
        abstract Playbook playbook();

        @Override
        int run() {
            try (Engine e = engine()) {
                return apply(e, List.of(e.plan(playbook())));
            }
        }
    }

    /** {@code pigsty pgsql user CLUSTER USER} (bin/pgsql-user). */
    @Command(name = "user", mixinStandardHelpOptions = true,
            description = "Create or alter one user of the cluster's pg_users, and refresh PgBouncer's user list.")
    static final class User extends ApplyOne {
        @Parameters(index = "1", paramLabel = "USER", description = "A name from the cluster's pg_users.")
        String user;

        @Override
        Playbook playbook() {
            return Playbook.pgsqlUser(cluster, user);
        }
    }

    /** {@code pigsty pgsql db CLUSTER DB} (bin/pgsql-db). */
    @Command(name = "db", mixinStandardHelpOptions = true,
            description = "Create or alter one database of the cluster's pg_databases.")
    static final class Db extends ApplyOne {
        @Parameters(index = "1", paramLabel = "DB", description = "A name from the cluster's pg_databases.")
        String db;

        @Override
        Playbook playbook() {
            return Playbook.pgsqlDb(cluster, db);
        }
    }

    /** {@code pigsty pgsql svc CLUSTER} (bin/pgsql-svc). */
    @Command(name = "svc", mixinStandardHelpOptions = true,
            description = "Re-render and reload the cluster's HAProxy services on every member.")
    static final class Svc extends ApplyOne {
        @Override
        Playbook playbook() {
            return Playbook.pgsqlSvc(cluster);
        }
    }

    /** {@code pigsty pgsql hba CLUSTER} (bin/pgsql-hba). */
    @Command(name = "hba", mixinStandardHelpOptions = true,
            description = "Re-render and reload the HBA rules of PostgreSQL and PgBouncer on every member.")
    static final class Hba extends ApplyOne {
        @Override
        Playbook playbook() {
            return Playbook.pgsqlHba(cluster);
        }
    }
}
