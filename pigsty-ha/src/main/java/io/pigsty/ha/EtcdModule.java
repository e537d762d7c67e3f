package io.pigsty.ha;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.plan.PlanBuilder;
import io.pigsty.api.spi.PigstyModule;
import io.pigsty.api.spi.PlanContext;
import io.pigsty.api.step.Steps;
import io.pigsty.ha.internal.EtcdAuth;
import io.pigsty.ha.internal.HaSupport;
import io.pigsty.model.Inventory;
import io.pigsty.model.Names;
import io.pigsty.model.Node;
import io.pigsty.model.NodeGroup;
import io.pigsty.model.Params;
import io.pigsty.model.Resolved;
import io.pigsty.model.Secret;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ETCD: the DCS. Contributes to the {@code etcd} playbook: data dir, config, unit, start, health
 * wait; then, on the first member, authentication enabled (or disabled, {@code etcd_auth_enabled:
 * false}) and the root password in {@code /etc/etcd/etcd.pass} on every member.
 */
public final class EtcdModule implements PigstyModule {
    @Override
    public String name() {
        return "ETCD";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        if (!ctx.playbook().name().equals("etcd")) {
            return;
        }
        Inventory inv = ctx.inventory();
        NodeGroup g = inv.etcd().orElseThrow(() -> new io.pigsty.model.PigstyException("no etcd group in the inventory"));
        // the PKI module issues every member's certificate in the earlier pki phase
        boolean tls = ctx.hasModule("PKI");
        String scheme = tls ? "https" : "http";
        String initialCluster = HaSupport.etcdMembers(inv).stream().map(e -> Names.etcdMember(e.getKey()) + "=" + scheme + "://"
                + e.getValue() + ":" + inv.resolveNode(g, g.node(e.getValue()).orElseThrow()).get(Params.ETCD_PEER_PORT))
                .collect(Collectors.joining(","));
        String first = HaSupport.etcdMembers(inv).get(0).getValue();
        for (Node n : g.nodes()) {
            Resolved r = inv.resolveNode(g, n);
            Host h = new Host(n.ip(), Names.etcdMember(r.get(Params.ETCD_SEQ)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("member", Names.etcdMember(r.get(Params.ETCD_SEQ)));
            m.put("etcd_cluster", r.get(Params.ETCD_CLUSTER));
            m.put("data_dir", r.get(Params.ETCD_DATA));
            m.put("ip", n.ip());
            m.put("peer_port", r.get(Params.ETCD_PEER_PORT));
            m.put("client_port", r.get(Params.ETCD_PORT));
            m.put("initial_cluster", initialCluster);
            m.put("init_state", r.get(Params.ETCD_INIT));
            m.put("election_timeout", r.get(Params.ETCD_ELECTION_TIMEOUT));
            m.put("heartbeat_interval", r.get(Params.ETCD_HEARTBEAT_INTERVAL));
            m.put("tls", tls);
            m.put("scheme", scheme);
            m.put("cert_dir", HaSupport.ETCD_CERT_DIR);
            String dataDir = r.get(Params.ETCD_DATA);
            plan.add("etcd", h, Steps.directory(dataDir.substring(0, Math.max(1, dataDir.lastIndexOf('/'))), "0755", "root", "root"));
            plan.add("etcd", h, Steps.directory(dataDir, "0700", "etcd", "etcd"));
            if (!tls) {
                // with TLS the PKI module creates it in its earlier phase, for the certificate
                plan.add("etcd", h, Steps.directory("/etc/etcd", "0755", "root", "root"));
            }
            plan.add("etcd", h, Steps.file(FileSpec.text("/etc/etcd/etcd.conf.yml",
                    ctx.templates().render("etcd/etcd.conf.yml.ftl", m), "0644", "root"),
                    Command.of("systemctl", "try-restart", "etcd")));
            plan.add("etcd", h, Steps.file(FileSpec.text("/etc/systemd/system/etcd.service",
                    ctx.templates().render("systemd/etcd.service.ftl", m), "0644", "root"),
                    Command.of("systemctl", "daemon-reload"), Command.of("systemctl", "try-restart", "etcd")));
            plan.add("etcd", h, Steps.service("etcd", true, true));
            plan.add("etcd", h, Steps.waitFor("etcd:healthy", "etcd member answers /health",
                    Command.shell("curl -sf -m 2 " + (tls ? HaSupport.etcdMemberCurlTls() + " https" : "http")
                            + "://127.0.0.1:" + r.get(Params.ETCD_PORT)
                            + "/health | grep -q '\"health\":\"true\"'").build(), Duration.ofSeconds(60), Duration.ofMillis(500)));
            if (n.ip().equals(first)) {
                // RBAC once the member answers (its health needs a quorum): Pigsty's etcd_auth task, on the first member
                String local = scheme + "://127.0.0.1:" + r.get(Params.ETCD_PORT);
                Secret root = inv.resolveGlobal().get(Params.ETCD_ROOT_PASSWORD);
                if (EtcdAuth.enabled(inv)) {
                    plan.add("etcd", h, EtcdAuth.enable(local, tls, EtcdAuth.ROOT_PASS_FILE, root));
                } else {
                    plan.add("etcd", h, EtcdAuth.disable(local, tls, root));
                }
            }
            if (EtcdAuth.enabled(inv)) {
                // after the auth step, which reads the previous password from it to change root's
                plan.add("etcd", h, Steps.file(new FileSpec(EtcdAuth.ROOT_PASS_FILE,
                        inv.resolveGlobal().get(Params.ETCD_ROOT_PASSWORD).reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "0600", "root", "root", true)));
            }
        }
    }
}
