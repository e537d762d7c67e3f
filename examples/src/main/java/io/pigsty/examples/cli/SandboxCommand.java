package io.pigsty.examples.cli;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.ha.ops.ClusterOperations;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.monitor.prometheus.MonitorUrls;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import io.pigsty.sandbox.Sandbox;
import io.pigsty.ssh.SshExecutor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sandbox up}: nodes, then node prep, etcd, the infra node's monitoring and every cluster,
 * then the clusters' and the TSDB's URLs; {@code sandbox down}: remove all.
 */
final class SandboxCommand {
    private SandboxCommand() {
    }

    static int up(Inventory inv, PrintStream out, PrintStream err) {
        long t0 = System.nanoTime();
        int nodes = inv.hosts().size();
        Sandbox sandbox = Sandbox.builder().nodes(nodes).nodeOs(inv).progress(out::println).build().up();
        // TLS on, as the inventory of a real deployment should have it: the sandbox's CA outlives the sandbox
        Pki pki = Pki.createOrLoad(Sandbox.PKI_DIR, CaSpec.pigstyDefault());
        Pigsty pigsty = Pigsty.builder().inventory(inv).module(new PkiModule(pki)).build();
        List<Playbook> books = new ArrayList<>();
        inv.clusters().forEach(c -> books.add(Playbook.node(c.name())));
        books.add(Playbook.etcd());
        if (inv.infra().isPresent()) {
            books.add(Playbook.infra()); // the TSDB first, so members register with a running one
        }
        inv.clusters().forEach(c -> books.add(Playbook.pgsqlCreate(c.name())));
        try (SshExecutor ex = sandbox.executor()) {
            for (Playbook b : books) {
                // nodes see the whole machine; the inventory's node_* sizes cap what the plan takes from it.
                // Facts again before each playbook: the one before it installed packages.
                ApplyResult r = pigsty.plan(b, pigsty.gatherFacts(ex)).apply(ex, new ConsoleProgressListener(out));
                if (!r.ok()) {
                    r.steps().stream().filter(x -> x.error().isPresent())
                            .forEach(x -> err.println("  " + x.host() + " " + x.stepId() + ": " + x.error().get()));
                    err.println("pigsty: " + r.summary() + "; stopped. Node journals: ssh -i " + sandbox.clientKey()
                            + " root@<node> journalctl -u patroni");
                    return 1;
                }
            }
        }
        for (PgCluster c : inv.clusters()) {
            // members with patroni_ssl_enabled answer over HTTPS with certificates of the sandbox's CA
            ClusterStatus s = ClusterOperations.builder(inv, c.name()).caCertificates(pki.caCertificatePem()).build().status();
            out.println("\n" + c.name() + ":");
            out.print(s.toTable());
            PgInstance any = c.instances().get(0);
            // services 5433/5434 go through PgBouncer, which serves the cluster's databases, not "postgres"
            String db = c.databases().isEmpty() ? "postgres" : c.databases().get(0).name();
            String admin = inv.resolveGlobal().get(Params.PG_ADMIN_USERNAME);
            out.println("  primary (any member): postgres://" + admin + ":***@" + any.ip() + ":5433/" + db);
            out.println("  replica (any member): postgres://" + admin + ":***@" + any.ip() + ":5434/" + db);
            out.println("  direct primary:       postgres://" + admin + ":***@" + any.ip() + ":5436/postgres");
            if (inv.resolve(c).get(Params.PG_VIP_ENABLED)) {
                out.println("  vip: " + inv.resolve(c).get(Params.PG_VIP_ADDRESS).split("/")[0] + ":5432");
            }
        }
        out.println("\nTLS: the deployment's CA is " + Sandbox.PKI_DIR.resolve("ca.crt") + " (PostgreSQL, PgBouncer, etcd, Patroni)");
        out.println("  psql \"host=<member> port=5432 sslmode=verify-full sslrootcert=" + Sandbox.PKI_DIR.resolve("ca.crt")
                + " user=" + inv.resolveGlobal().get(Params.PG_ADMIN_USERNAME) + " dbname=postgres\"");
        out.println("  later plans keep TLS with --pki " + Sandbox.PKI_DIR + " (or PIGSTY_PKI=" + Sandbox.PKI_DIR
                + "); without it an apply would turn TLS off");
        MonitorUrls.of(inv).ifPresent(u -> {
            out.println("\nmonitoring:");
            u.describe().forEach(l -> out.println("  " + l));
        });
        out.printf("%nsandbox up and deployed in %.1f s; 'sandbox down' removes it%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    static int down(Inventory inv, PrintStream out) {
        long t0 = System.nanoTime();
        Sandbox.builder().nodes(Math.max(4, inv.hosts().size())).progress(out::println).build().down();
        out.printf("sandbox down in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
