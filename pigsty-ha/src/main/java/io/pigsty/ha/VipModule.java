package io.pigsty.ha;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.ha.internal.HaSupport;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Params;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.Resolved;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * VIP: the cluster's L2 VIP on the primary. keepalived with a check of Patroni's {@code /primary}
 * (Debian's vip-manager 1.x speaks only etcd v2); vip-manager's config instead on hosts that have
 * vip-manager >= 2 installed.
 */
public final class VipModule implements PigstyModule {
    @Override
    public String name() {
        return "VIP";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        if (!ctx.playbook().name().equals("pgsql")) {
            return;
        }
        Inventory inv = ctx.inventory();
        PgCluster c = inv.requireCluster(ctx.playbook().requireCluster());
        if (!inv.resolve(c).get(Params.PG_VIP_ENABLED)) {
            return;
        }
        for (PgInstance i : c.instances()) {
            Host h = ctx.host(c, i);
            HostFacts facts = ctx.facts(h);
            boolean vipManager2 = facts.packageVersion("vip-manager").map(v -> v.replaceFirst("^\\d+:", ""))
                    .filter(v -> PatroniModule.PatroniVersionCheck.compare(v, "2.0") >= 0).isPresent();
            if (vipManager2) {
                // holds the cluster's etcd password: 0600, root (vip-manager runs as root)
                plan.add("vip", h, Steps.file(new FileSpec("/etc/default/vip-manager.yml",
                        ctx.templates().render("vip-manager/vip-manager.yml.ftl", vipManager(inv, c, i, facts, ctx.hasModule("PKI")))
                                .getBytes(StandardCharsets.UTF_8), "0600", "root", "root", true),
                        Command.of("systemctl", "try-restart", "vip-manager")));
                plan.add("vip", h, Steps.service("vip-manager", true, true));
            } else {
                plan.add("vip", h, Steps.file(new FileSpec("/etc/keepalived/keepalived.conf",
                        ctx.templates().render("keepalived/keepalived.conf.ftl", keepalived(inv, c, i, facts))
                                .getBytes(StandardCharsets.UTF_8), "0600", "root", "root", true),
                        Command.of("systemctl", "try-reload-or-restart", "keepalived")));
                plan.add("vip", h, Steps.service("keepalived", true, true));
            }
            if (c.primary().filter(p -> p.seq() == i.seq()).isPresent()) {
                Resolved r = inv.resolve(c, i);
                String vip = r.get(Params.PG_VIP_ADDRESS);
                // after a failover another member leads and holds the VIP: this member then has nothing to wait for
                String notPrimary = "! " + HaSupport.patroniCurl(r) + " " + HaSupport.patroniUrl(inv, c, i) + "/primary";
                plan.add("vip", h, Steps.waitFor("vip:bound", "VIP " + vip + " held here while this member is the primary",
                        io.pigsty.api.exec.Command.shell("ip -o addr show dev " + io.pigsty.api.quote.ShellQuote.quote(
                                vipInterface(r, facts, i.ip())) + " | grep -qF ' " + vip.split("/")[0] + "/' || "
                                + notPrimary).build(),
                        java.time.Duration.ofSeconds(60), java.time.Duration.ofMillis(500)));
            }
        }
    }

    /**
     * @param inv inventory
     * @param c   cluster
     * @param i   member
     * @return keepalived.conf data model
     */
    public static Map<String, Object> keepalived(Inventory inv, PgCluster c, PgInstance i) {
        return keepalived(inv, c, i, HostFacts.offline(inv.resolve(c, i)));
    }

    /**
     * @param inv   inventory
     * @param c     cluster
     * @param i     member
     * @param facts the member's facts ({@code pg_vip_interface: auto} is read from them)
     * @return keepalived.conf data model
     */
    public static Map<String, Object> keepalived(Inventory inv, PgCluster c, PgInstance i, HostFacts facts) {
        Resolved r = inv.resolve(c, i);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cls", c.name());
        m.put("cls_id", c.name().replace('-', '_'));
        m.put("ins", Names.instance(c.name(), i.seq()));
        m.put("ip", i.ip());
        m.put("patroni_port", r.get(Params.PATRONI_PORT));
        // keepalived runs the probe as root on the member, where the PKI module put the CA
        m.put("patroni_probe", "/usr/bin/" + HaSupport.patroniCurl(r) + " -X OPTIONS " + HaSupport.patroniUrl(inv, c, i) + "/primary");
        m.put("interface", vipInterface(r, facts, i.ip()));
        m.put("vip", r.get(Params.PG_VIP_ADDRESS));
        m.put("vrid", HaSupport.vrid(c.name()));
        // VRRP PASS auth uses at most 8 characters; derived from the cluster, like Pigsty's vip_auth_pass default
        String pass = Integer.toHexString(("pigsty-" + c.name()).hashCode());
        m.put("auth_pass", (pass + "00000000").substring(0, 8));
        return m;
    }

    /**
     * {@code pg_vip_interface}, with Pigsty's {@code auto} (or empty) read as the interface that
     * holds the node's IP in the gathered facts. Offline facts know no interface: the offline plan
     * shows {@code eth0}, and check/apply rebuild the plan from the gathered ones.
     *
     * @param r     the member's vars
     * @param facts its facts
     * @param ip    its address
     * @return the interface name
     * @throws io.pigsty.model.PigstyException when gathered facts show no interface holding the address
     */
    public static String vipInterface(Resolved r, HostFacts facts, String ip) {
        String v = r.get(Params.PG_VIP_INTERFACE).strip();
        if (!v.isEmpty() && !v.equalsIgnoreCase("auto")) {
            return v;
        }
        return facts.interfaceOf(ip).orElseGet(() -> {
            if (facts.offline()) {
                return "eth0";
            }
            throw new io.pigsty.model.PigstyException("pg_vip_interface auto: no network interface of node " + ip
                    + " holds " + ip + " (set pg_vip_interface)");
        });
    }

    private static Map<String, Object> vipManager(Inventory inv, PgCluster c, PgInstance i, HostFacts facts, boolean tls) {
        Resolved r = inv.resolve(c, i);
        String[] vip = r.get(Params.PG_VIP_ADDRESS).split("/");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ins", Names.instance(c.name(), i.seq()));
        m.put("leader_key", Names.leaderKey(r.get(Params.PG_NAMESPACE), c.name()));
        m.put("vip_ip", vip[0]);
        m.put("netmask", vip[1]);
        m.put("interface", vipInterface(r, facts, i.ip()));
        m.put("etcd_endpoints", HaSupport.etcdEndpoints(inv, tls));
        m.put("etcd_ca_file", tls ? HaSupport.PG_CERT_DIR + "/ca.crt" : "");
        m.put("etcd_cert_file", tls ? HaSupport.ETCD_CLIENT_CERT : "");
        m.put("etcd_key_file", tls ? HaSupport.ETCD_CLIENT_KEY : "");
        boolean auth = io.pigsty.ha.internal.EtcdAuth.enabled(inv);
        m.put("etcd_user", auth ? io.pigsty.ha.internal.EtcdAuth.user(c) : "");
        m.put("etcd_password", auth ? io.pigsty.ha.internal.EtcdAuth.password(inv, c).reveal().replace("'", "''") : "");
        return m;
    }
}
