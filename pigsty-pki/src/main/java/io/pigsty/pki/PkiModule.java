package io.pigsty.pki;

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
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import io.pigsty.pki.internal.CertificateStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * PKI: puts the deployment's certificates on the hosts, Pigsty's layout:
 * <ul>
 *   <li>{@code pgsql}: {@code /pg/cert/{ca.crt,server.crt,server.key}} on every member, owned by
 *       the dbsu, for PostgreSQL, PgBouncer and Patroni; SANs: the member's IP, the VIP, loopback,
 *       the instance and cluster names ({@code pg-install} phase, before anything starts).</li>
 *   <li>{@code etcd}: {@code /etc/etcd/{ca.crt,server.crt,server.key}} on every member, owned by
 *       {@code etcd}, server and client usage (peers authenticate each other with it).</li>
 *   <li>{@code node} and {@code infra}: the CA certificate alone at {@code /etc/pki/ca.crt} (Pigsty's
 *       location) on every node of the target, so clients on any node (Prometheus scraping etcd over
 *       TLS, an operator's {@code psql sslmode=verify-full}) can verify the deployment's servers.</li>
 * </ul>
 * Lifetimes follow {@code cert_validity}; a certificate with fewer than {@code cert_renew_days}
 * left, or whose names changed, is reissued; otherwise it is left alone.
 *
 * <p>Registered explicitly with the CA it issues from, which stays on the controller:
 * {@code Pigsty.builder().module(new PkiModule(Pki.createOrLoad(dir, CaSpec.pigstyDefault())))}.
 */
public final class PkiModule implements PigstyModule {
    /** Where PostgreSQL, PgBouncer and Patroni read their certificate (Pigsty's {@code pg_cert}). */
    public static final String PG_CERT_DIR = "/pg/cert";
    /** Where etcd reads its certificate. */
    public static final String ETCD_CERT_DIR = "/etc/etcd";
    /** Where an infra node keeps its client certificate and key: {@code /etc/pki/infra.crt}, {@code infra.key}. */
    public static final String INFRA_CERT_DIR = "/etc/pki";
    /** The file stem of the infra node's client certificate (Pigsty's {@code infra.crt}). */
    public static final String INFRA_CERT_NAME = "infra";
    /** The file stem of a PG member's etcd client certificate in {@link #PG_CERT_DIR}: {@code etcd.crt}, {@code etcd.key}. */
    public static final String ETCD_CLIENT_NAME = "etcd";
    /** Where every node keeps the deployment's CA certificate (Pigsty's {@code /etc/pki/ca.crt}). */
    public static final String NODE_CA = "/etc/pki/ca.crt";
    private final Pki pki;

    /** @param pki the CA certificates are issued from */
    public PkiModule(Pki pki) {
        this.pki = Objects.requireNonNull(pki, "pki");
    }

    @Override
    public String name() {
        return "PKI";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        Inventory inv = ctx.inventory();
        switch (ctx.playbook().name()) {
            case "pgsql" -> ctx.playbook().cluster().flatMap(inv::cluster).ifPresent(c -> pgsql(ctx, plan, c));
            case "etcd" -> inv.etcd().ifPresent(g -> etcd(inv, plan, g));
            case "node" -> ctx.playbook().cluster().ifPresent(t -> nodeCa(plan, nodeHosts(ctx, t)));
            case "infra" -> inv.infra().ifPresent(g -> {
                nodeCa(plan, g.nodes().stream().map(n -> Host.of(n.ip())).toList());
                infraClient(inv, plan, g);
            });
            default -> {
            }
        }
    }

    /**
     * The deployment's CA for the other modules' own services (pgBackRest's TLS server): their
     * certificates come from the same CA and follow the same renewal rule.
     */
    @Override
    public Optional<io.pigsty.api.spi.CertificateIssuer> certificateIssuer() {
        return Optional.of((files, subject, vars, onChange) -> new CertificateStep(pki, CertRequest.builder(subject.commonName())
                .ips(subject.ips()).dnsNames(subject.dnsNames()).validity(vars.get(Params.CERT_VALIDITY))
                .usages(CertUsage.SERVER, CertUsage.CLIENT).build(), Duration.ofDays(vars.get(Params.CERT_RENEW_DAYS)),
                files.caFile(), files.certFile(), files.keyFile(), files.owner(), files.group(), onChange));
    }

    private static List<Host> nodeHosts(PlanContext ctx, String target) {
        Inventory inv = ctx.inventory();
        Optional<PgCluster> c = inv.cluster(target);
        if (c.isPresent()) {
            return c.get().instances().stream().map(i -> ctx.host(c.get(), i)).toList();
        }
        // an unknown target is the NODE module's error to report; this module adds nothing then
        return inv.allNodeGroups().stream().filter(g -> g.name().equals(target)).findFirst()
                .map(g -> g.nodes().stream().map(n -> Host.of(n.ip())).toList()).orElse(List.of());
    }

    private void nodeCa(PlanBuilder plan, List<Host> hosts) {
        for (Host h : hosts) {
            plan.add("pki", h, Steps.directory("/etc/pki", "0755", "root", "root"));
            plan.add("pki", h, Steps.file(FileSpec.text(NODE_CA, pki.caCertificatePem(), "0644", "root")));
        }
    }

    /**
     * The infra node's client certificate (Pigsty's {@code /etc/pki/infra.crt}): the TSDB shows it to
     * etcd, which demands one of every client. Root's alone; the INFRA module hands the TSDB its copy.
     */
    private void infraClient(Inventory inv, PlanBuilder plan, NodeGroup g) {
        for (Node n : g.nodes()) {
            Resolved r = inv.resolveNode(g, n);
            String name = r.find(Params.INFRA_SEQ).map(q -> "infra-" + q).orElse("infra");
            CertRequest req = CertRequest.builder(name).ip(n.ip(), "127.0.0.1").dns(name, "localhost")
                    .validity(r.get(Params.CERT_VALIDITY)).usages(CertUsage.CLIENT).build();
            plan.add("pki", Host.of(n.ip()), new CertificateStep(pki, req, Duration.ofDays(r.get(Params.CERT_RENEW_DAYS)),
                    INFRA_CERT_DIR, INFRA_CERT_NAME, "root", "root", List.of()));
        }
    }

    private void pgsql(PlanContext ctx, PlanBuilder plan, PgCluster c) {
        for (PgInstance i : c.instances()) {
            Resolved r = ctx.resolve(c, i);
            Host h = ctx.host(c, i);
            String dbsu = r.get(Params.PG_DBSU);
            List<String> ips = new ArrayList<>(List.of(i.ip(), "127.0.0.1"));
            if (Boolean.TRUE.equals(r.get(Params.PG_VIP_ENABLED))) {
                String vip = r.get(Params.PG_VIP_ADDRESS);
                ips.add(vip.contains("/") ? vip.substring(0, vip.indexOf('/')) : vip);
            }
            CertRequest req = CertRequest.builder(Names.instance(c.name(), i.seq())).ips(ips)
                    .dns(Names.instance(c.name(), i.seq()), c.name(), "localhost").validity(r.get(Params.CERT_VALIDITY))
                    .usages(CertUsage.SERVER, CertUsage.CLIENT).build();
            plan.add("pg-install", h, Steps.directory(PG_CERT_DIR, "0750", dbsu, dbsu));
            // PostgreSQL and PgBouncer (the same files) re-read their certificate on reload, so a renewal never
            // restarts them; on a first deploy nothing runs yet
            Command reload = Command.shell("if systemctl is-active -q patroni; then runuser -u " + dbsu + " -- psql -p "
                    + r.get(Params.PG_PORT) + " -XAtq -c 'select pg_reload_conf()' >/dev/null; fi; "
                    + "if systemctl is-active -q pgbouncer; then systemctl reload pgbouncer; fi").build();
            plan.add("pg-install", h, new CertificateStep(pki, req, Duration.ofDays(r.get(Params.CERT_RENEW_DAYS)), PG_CERT_DIR,
                    "server", dbsu, dbsu, List.of(reload)));
            // the member's etcd client certificate, without a CN: etcd (client-cert-auth, RBAC, its JSON gateway,
            // which Patroni speaks) refuses a /v3 request whose client certificate has one; the member logs in as
            // its cluster's etcd user
            CertRequest etcdClient = CertRequest.builder("").ip(i.ip()).validity(r.get(Params.CERT_VALIDITY))
                    .usages(CertUsage.CLIENT).build();
            // on renewal: Patroni's client (urllib3) loads the files on every new connection, so it needs nothing;
            // vip-manager (Go) holds the certificate it read at start, so it is restarted where it runs (its VIP
            // moves back within its interval); nothing runs on a first deploy
            Command vipManager = Command.shell("! systemctl is-active -q vip-manager || systemctl restart vip-manager").build();
            plan.add("pg-install", h, new CertificateStep(pki, etcdClient, Duration.ofDays(r.get(Params.CERT_RENEW_DAYS)),
                    PG_CERT_DIR, ETCD_CLIENT_NAME, dbsu, dbsu, List.of(vipManager)));
        }
    }

    private void etcd(Inventory inv, PlanBuilder plan, NodeGroup g) {
        for (Node n : g.nodes()) {
            Resolved r = inv.resolveNode(g, n);
            String member = Names.etcdMember(r.get(Params.ETCD_SEQ));
            Host h = new Host(n.ip(), member);
            CertRequest req = CertRequest.builder(member).ip(n.ip(), "127.0.0.1").dns(member, "localhost")
                    .validity(r.get(Params.CERT_VALIDITY)).usages(CertUsage.SERVER, CertUsage.CLIENT).build();
            plan.add("pki", h, Steps.directory(ETCD_CERT_DIR, "0755", "root", "root"));
            plan.add("pki", h, new CertificateStep(pki, req, Duration.ofDays(r.get(Params.CERT_RENEW_DAYS)), ETCD_CERT_DIR,
                    "server", "etcd", "etcd", List.of()));
        }
    }
}
