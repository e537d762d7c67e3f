package io.pigsty.ha;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.api.step.Steps;
import io.pigsty.ha.internal.EtcdAuth;
import io.pigsty.ha.internal.HaSupport;
import io.pigsty.model.Inventory;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PigstyException;
import io.pigsty.model.Resolved;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * PATRONI: the instance lifecycle. In {@code pgsql}: preflight (Patroni >= 3.0.3), config and
 * unit, the primary first (waits until it answers {@code /primary}), then replicas (wait until
 * streaming). In {@code pgsql-rm}: the live-cluster guard, then replicas before the primary.
 */
public final class PatroniModule implements PigstyModule {
    /** First Patroni without the etcd3 leader-key overwrite (upstream #2689). */
    public static final String MIN_VERSION = "3.0.3";

    @Override
    public String name() {
        return "PATRONI";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        String pb = ctx.playbook().name();
        if (!pb.equals("pgsql") && !pb.equals("pgsql-rm")) {
            return;
        }
        Inventory inv = ctx.inventory();
        PgCluster c = inv.requireCluster(ctx.playbook().requireCluster());
        if (pb.equals("pgsql-rm")) {
            remove(ctx, plan, inv, c);
            return;
        }
        requirePkiForRestTls(inv, c, ctx.hasModule("PKI"));
        if (EtcdAuth.enabled(inv)) {
            // Pigsty's pg_etcd: the cluster's user and role, made as root on the first etcd member before Patroni starts
            var first = HaSupport.etcdMembers(inv).get(0);
            boolean tls = ctx.hasModule("PKI");
            plan.add("etcd", new Host(first.getValue(), io.pigsty.model.Names.etcdMember(first.getKey())),
                    EtcdAuth.clusterUser(String.join(",", HaSupport.etcdEndpoints(inv, tls)), tls, EtcdAuth.user(c),
                            EtcdAuth.prefix(inv, c), inv.resolveGlobal().get(Params.ETCD_ROOT_PASSWORD), EtcdAuth.password(inv, c)));
        }
        boolean allowOld = inv.resolve(c).get(Params.PATRONI_ALLOW_OLD);
        for (PgInstance i : c.instances()) {
            Host h = ctx.host(c, i);
            Resolved r = inv.resolve(c, i);
            if (!allowOld) {
                plan.add("preflight", h, new PatroniVersionCheck());
            }
            Map<String, Object> m = HaSupport.patroni(inv, c, i, ctx.facts(h), ctx.hasModule("PKI"));
            String dbsu = r.get(Params.PG_DBSU);
            plan.add("pg-config", h, Steps.directory("/etc/patroni", "0755", "root", "root"));
            plan.add("pg-config", h, Steps.file(new FileSpec("/etc/patroni/patroni.yml",
                    ctx.templates().render("patroni/patroni.yml.ftl", m).getBytes(StandardCharsets.UTF_8), "0600", dbsu,
                    dbsu, true), Command.of("systemctl", "try-reload-or-restart", "patroni")));
            plan.add("pg-config", h, Steps.file(FileSpec.text("/etc/systemd/system/patroni.service",
                    ctx.templates().render("systemd/patroni.service.ftl", m), "0644", "root"),
                    Command.of("systemctl", "daemon-reload")));
            String phase = c.primary().filter(p -> p.seq() == i.seq()).isPresent() ? "pg-primary" : "pg-replica";
            plan.add(phase, h, Steps.service("patroni", true, true));
            String url = HaSupport.patroniUrl(inv, c, i);
            String curl = HaSupport.patroniCurl(r);
            if (phase.equals("pg-primary")) {
                // after a switchover or failover the inventory's primary runs as a replica: a re-run must
                // converge, not wait for a role the cluster gave to another member
                plan.add(phase, h, Steps.waitFor("patroni:primary", "Patroni reports " + m.get("ins")
                                + " primary (or a streaming replica after a failover)",
                        probeEither(curl, url + "/primary", url + "/replica?replication_state=streaming"),
                        Duration.ofSeconds(180), Duration.ofSeconds(1)));
            } else {
                plan.add(phase, h, Steps.waitFor("patroni:replica", "Patroni reports " + m.get("ins")
                                + " streaming (or primary after a failover)",
                        probeEither(curl, url + "/replica?replication_state=streaming", url + "/primary"),
                        Duration.ofSeconds(300), Duration.ofSeconds(1)));
            }
        }
    }

    /**
     * HTTPS on the REST API ({@code patroni_ssl_enabled}) serves the member's certificate from
     * {@code /pg/cert}, which only the PKI module issues: without it Patroni could not start, so the
     * inventory is refused at the key before any host is touched.
     */
    private static void requirePkiForRestTls(Inventory inv, PgCluster c, boolean pki) {
        if (pki) {
            return;
        }
        String key = Params.PATRONI_SSL_ENABLED.name();
        List<io.pigsty.model.Violation> bad = new ArrayList<>();
        for (PgInstance i : c.instances()) {
            if (HaSupport.patroniSsl(inv.resolve(c, i))) {
                String path = i.vars().has(key) ? "all.children." + c.name() + ".hosts." + i.ip() + "." + key
                        : c.vars().has(key) ? "all.children." + c.name() + ".vars." + key : "all.vars." + key;
                bad.add(new io.pigsty.model.Violation(path, "true asks for Patroni's REST API over HTTPS with the member's "
                        + "certificate, which the PKI module issues, and it is not registered (Pigsty.builder().module(new "
                        + "PkiModule(...)), or the CLI's --pki DIR): register it or set " + key + ": false",
                        io.pigsty.model.Severity.ERROR));
            }
        }
        if (!bad.isEmpty()) {
            throw new io.pigsty.model.ValidationException(bad.stream().distinct().toList());
        }
    }

    private static Command probeEither(String curl, String first, String second) {
        return Command.shell(curl + " '" + first + "' || " + curl + " '" + second + "'")
                .timeout(Duration.ofSeconds(10)).build();
    }

    private void remove(PlanContext ctx, PlanBuilder plan, Inventory inv, PgCluster c) {
        Resolved cr = inv.resolve(c);
        if (cr.get(Params.PG_SAFEGUARD)) {
            throw new PigstyException("pg_safeguard is set for " + c.name() + ": pgsql-rm refuses to remove it");
        }
        boolean allowLive = ctx.playbook().arg("allow_live").map(Boolean::parseBoolean).orElse(false);
        Optional<String> only = ctx.playbook().arg("instance");
        List<PgInstance> order = new ArrayList<>(c.replicas());
        c.primary().ifPresent(order::add); // replicas before the primary
        if (only.isPresent()) {
            // scale-in: one member leaves a live cluster; it must not be the leader at that moment
            PgInstance i = c.instances().stream().filter(x -> x.ip().equals(only.get())
                            || (c.name() + "-" + x.seq()).equals(only.get())).findFirst()
                    .orElseThrow(() -> new PigstyException("pgsql-rm: " + only.get() + " is not an instance of " + c.name()));
            String url = HaSupport.patroniUrl(inv, c, i) + "/primary";
            String member = c.name() + "-" + i.seq();
            plan.add("preflight", ctx.host(c, i), HaSupport.liveGuard("pgsql-rm:live-guard",
                    "refuse to remove " + member + " while it is the primary (switch over first)", List.of(url),
                    HaSupport.patroniCurlArgs(inv.resolve(c, i)),
                    l -> "refusing to remove " + member + " while it is the primary: " + l
                            + " answers; switch over to another member first"));
            order = List.of(i);
        } else if (!allowLive) {
            List<String> urls = c.instances().stream().map(i -> HaSupport.patroniUrl(inv, c, i) + "/health")
                    .collect(Collectors.toList());
            for (PgInstance i : c.instances()) {
                plan.add("preflight", ctx.host(c, i), HaSupport.liveGuard("pgsql-rm:live-guard",
                        "refuse to remove " + c.name() + " while any member is running (Playbook.allowLive() overrides)", urls,
                        HaSupport.patroniCurlArgs(inv.resolve(c)),
                        l -> "refusing to remove live cluster " + c.name() + ": " + l
                                + " answer; stop it first or use Playbook.pgsqlRemove(...).allowLive()"));
            }
        }
        for (PgInstance i : order) {
            Host h = ctx.host(c, i);
            Resolved r = inv.resolve(c, i);
            plan.add("pg-remove", h, Steps.command("patroni:stop", "stop and disable Patroni and PostgreSQL",
                    Command.shell("! systemctl is-active --quiet patroni && ! systemctl is-enabled --quiet patroni "
                            + "&& ! pgrep -x postgres >/dev/null").build(),
                    Command.shell("systemctl disable --now patroni 2>/dev/null; "
                            + "runuser -u postgres -- " + r.get(Params.PG_BIN_DIR) + "/pg_ctl -D " + r.get(Params.PG_DATA)
                            + " stop -m fast 2>/dev/null; pkill -x postgres; true").timeout(Duration.ofMinutes(2)).build()));
            plan.add("pg-remove", h, Steps.command("patroni:config-rm", "remove Patroni config and unit",
                    Command.shell("[ ! -e /etc/patroni/patroni.yml ] && [ ! -e /etc/systemd/system/patroni.service ]").build(),
                    Command.shell("rm -f /etc/patroni/patroni.yml /etc/systemd/system/patroni.service && systemctl daemon-reload")
                            .build()));
            if (r.get(Params.PG_RM_DATA)) {
                String data = r.get(Params.PG_DATA);
                plan.add("pg-remove", h, Steps.command("pg:data-rm", "remove data directory " + data,
                        Command.shell("[ ! -e " + data + "/PG_VERSION ]").build(),
                        Command.shell("rm -rf " + data + " && install -d -m 0700 -o postgres -g postgres " + data).build()));
            }
        }
        if (only.isPresent()) {
            // the cluster lives on; only the member's key goes, so status shows it gone at once
            PgInstance i = order.get(0);
            String key = cr.get(Params.PG_NAMESPACE).replaceAll("/+$", "") + "/" + c.name() + "/members/"
                    + c.name() + "-" + i.seq();
            boolean tls = ctx.hasModule("PKI");
            String q = io.pigsty.api.quote.ShellQuote.quote(key);
            plan.add("pg-remove", ctx.host(c, i), Steps.command("patroni:member-rm", "remove " + key + " from etcd",
                    EtcdAuth.withPassword(inv, c, "k=\"$(" + EtcdAuth.etcdctl(inv, c, tls, "get --keys-only " + q) + ")\" && [ -z \"$k\" ]"),
                    EtcdAuth.withPassword(inv, c, EtcdAuth.etcdctl(inv, c, tls, "del " + q))));
            return;
        }
        // the cluster's keys in the DCS go last, once no member can write them again
        c.primary().ifPresent(p -> {
            String prefix = EtcdAuth.prefix(inv, c);
            boolean tls = ctx.hasModule("PKI");
            String q = io.pigsty.api.quote.ShellQuote.quote(prefix);
            plan.add("pg-remove", ctx.host(c, p), Steps.command("patroni:dcs-rm", "remove " + prefix + " from etcd",
                    EtcdAuth.withPassword(inv, c, "k=\"$(" + EtcdAuth.etcdctl(inv, c, tls, "get --prefix --keys-only " + q)
                            + ")\" && [ -z \"$k\" ]"),
                    EtcdAuth.withPassword(inv, c, EtcdAuth.etcdctl(inv, c, tls, "del --prefix " + q))));
        });
    }

    /** Refuses Patroni older than 3.0.3 unless patroni_allow_old is set. */
    static final class PatroniVersionCheck implements Step {
        @Override
        public String id() {
            return "patroni:version";
        }

        @Override
        public String description() {
            return "Patroni >= " + MIN_VERSION + " (3.0.2 lost acknowledged writes after a partition: etcd3 leader key"
                    + " overwrite, upstream #2689)";
        }

        @Override
        public Rendered render() {
            return Rendered.commands(Command.of("patroni", "--version"));
        }

        @Override
        public Check check(StepContext ctx) {
            String v = version(ctx);
            return compare(v, MIN_VERSION) >= 0 ? Check.ok() : Check.change("refuse: Patroni " + v);
        }

        @Override
        public Outcome apply(StepContext ctx) {
            String v = version(ctx);
            if (compare(v, MIN_VERSION) < 0) {
                throw new PigstyException(ctx.host() + ": Patroni " + v + " is older than " + MIN_VERSION
                        + ": its etcd3 leader key can be overwritten after a partition heals (split brain, lost "
                        + "acknowledged writes; upstream #2689). Install Patroni >= 3.0.3 or set patroni_allow_old: true");
            }
            return Outcome.OK;
        }

        private static String version(StepContext ctx) {
            return ctx.facts().packageVersion("patroni").map(x -> x.replaceFirst("^\\d+:", "").split("[-~+]")[0])
                    .orElseGet(() -> {
                        var r = ctx.run(Command.of("patroni", "--version"));
                        return r.ok() ? r.stdout().replace("patroni", "").strip() : "0 (not installed)";
                    });
        }

        static int compare(String a, String b) {
            String[] x = a.split("[^0-9]+");
            String[] y = b.split("[^0-9]+");
            for (int i = 0; i < Math.max(x.length, y.length); i++) {
                int p = i < x.length && !x[i].isEmpty() ? Integer.parseInt(x[i]) : 0;
                int q = i < y.length && !y[i].isEmpty() ? Integer.parseInt(y[i]) : 0;
                if (p != q) {
                    return Integer.compare(p, q);
                }
            }
            return 0;
        }
    }
}
