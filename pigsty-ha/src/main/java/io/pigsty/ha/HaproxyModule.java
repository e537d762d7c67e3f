package io.pigsty.ha;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
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
import io.pigsty.model.PgService;
import io.pigsty.model.Resolved;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAPROXY: the cluster's services on every member ({@code pgsql}, {@code pgsql-svc}). One file
 * per service in {@code /etc/haproxy/conf.d/}, checked with {@code haproxy -c} before a reload.
 */
public final class HaproxyModule implements PigstyModule {
    private static final Command RELOAD = Command.shell(
            "haproxy -c -q -f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d && systemctl try-reload-or-restart haproxy").build();

    @Override
    public String name() {
        return "HAPROXY";
    }

    @Override
    public void contribute(PlanContext ctx, PlanBuilder plan) {
        String pb = ctx.playbook().name();
        if (!pb.equals("pgsql") && !pb.equals("pgsql-svc")) {
            return;
        }
        Inventory inv = ctx.inventory();
        PgCluster c = inv.requireCluster(ctx.playbook().requireCluster());
        if (!inv.resolve(c).get(Params.HAPROXY_ENABLED)) {
            return;
        }
        // every member lists the same servers: select them once per cluster, not once per member
        Map<String, List<Map<String, Object>>> servers = servers(inv, c);
        for (PgInstance i : c.instances()) {
            Host h = ctx.host(c, i);
            plan.add("haproxy", h, Steps.directory("/etc/haproxy/conf.d", "0755", "root", "root"));
            for (Map.Entry<String, String> f : render(ctx, inv, c, i, servers).entrySet()) {
                boolean global = f.getKey().equals("/etc/haproxy/haproxy.cfg");
                FileSpec spec = new FileSpec(f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8),
                        global ? "0600" : "0644", "root", "root", global);
                plan.add("haproxy", h, Steps.file(spec, RELOAD));
            }
            if (pb.equals("pgsql")) {
                plan.add("haproxy", h, Steps.file(FileSpec.text("/etc/systemd/system/haproxy.service",
                        ctx.templates().render("systemd/haproxy.service.ftl", Map.of()), "0644", "root"),
                        Command.of("systemctl", "daemon-reload"), Command.of("systemctl", "try-restart", "haproxy")));
                plan.add("haproxy", h, Steps.service("haproxy", true, true));
            }
        }
    }

    /**
     * Every HAProxy file of one member: the global config, then one file per service.
     *
     * @param ctx plan context (templates)
     * @param inv inventory
     * @param c   cluster
     * @param i   member
     * @return path to content, in order
     */
    public static Map<String, String> render(PlanContext ctx, Inventory inv, PgCluster c, PgInstance i) {
        return render(ctx, inv, c, i, servers(inv, c));
    }

    /** @return per service name, the servers of its file as the template reads them */
    private static Map<String, List<Map<String, Object>>> servers(Inventory inv, PgCluster c) {
        // built only if validation did not already select from them (it does for every inventory it passed)
        java.util.function.Supplier<com.fasterxml.jackson.databind.node.ArrayNode> members = new java.util.function.Supplier<>() {
            private com.fasterxml.jackson.databind.node.ArrayNode built;

            @Override
            public com.fasterxml.jackson.databind.node.ArrayNode get() {
                if (built == null) {
                    built = HaSupport.members(inv, c);
                }
                return built;
            }
        };
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        for (PgService s : services(inv.resolve(c))) {
            out.put(s.name(), templateServers(HaSupport.servers(inv, c, s, members)));
        }
        return out;
    }

    private static List<Map<String, Object>> templateServers(List<HaSupport.Server> servers) {
        return servers.stream().map(x -> Map.<String, Object>of("name", x.name(), "ip", x.ip(), "weight", x.weight(),
                "backup", x.backup())).toList();
    }

    private static List<PgService> services(Resolved r) {
        List<PgService> services = new ArrayList<>(r.get(Params.PG_DEFAULT_SERVICES));
        services.addAll(r.get(Params.PG_SERVICES));
        return services;
    }

    private static Map<String, String> render(PlanContext ctx, Inventory inv, PgCluster c, PgInstance i,
                                              Map<String, List<Map<String, Object>>> servers) {
        Resolved r = inv.resolve(c, i);
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("ip", i.ip());
        g.put("admin_port", r.get(Params.HAPROXY_EXPORTER_PORT));
        g.put("auth_enabled", r.get(Params.HAPROXY_AUTH_ENABLED));
        g.put("admin_username", r.get(Params.HAPROXY_ADMIN_USERNAME));
        g.put("admin_password", r.get(Params.HAPROXY_ADMIN_PASSWORD).reveal());
        g.put("client_timeout", r.get(Params.HAPROXY_CLIENT_TIMEOUT));
        g.put("server_timeout", r.get(Params.HAPROXY_SERVER_TIMEOUT));
        out.put("/etc/haproxy/haproxy.cfg", ctx.templates().render("haproxy/haproxy.cfg.ftl", g));
        List<PgService> services = services(r);
        String rtoOptions = r.get(Params.PG_RTO).plan().haproxyTimings()
                + " on-marked-down shutdown-sessions slowstart 30s maxconn 3000 maxqueue 128 weight 100";
        for (PgService s : services) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("full_name", Names.service(c.name(), s.name()));
            m.put("bind", s.ip());
            m.put("port", s.port());
            m.put("dest_port", HaSupport.destPort(inv, c, s));
            m.put("check", s.check());
            m.put("selector", s.selector());
            m.put("backup", s.backup().orElse(""));
            m.put("maxconn", s.maxconn());
            m.put("balance", s.balance());
            m.put("options", s.options().orElse(rtoOptions));
            m.put("patroni_port", r.get(Params.PATRONI_PORT));
            // patroni_ssl_enabled: the health check speaks TLS and trusts only the deployment's CA; the
            // service's traffic stays what it was (PostgreSQL and PgBouncer negotiate their own TLS)
            m.put("check_ssl", HaSupport.patroniSsl(r) ? " check-ssl verify required ca-file " + HaSupport.PG_CERT_DIR + "/ca.crt" : "");
            // a member's own pg_services (unusual, cluster scope) are selected here
            m.put("servers", servers.containsKey(s.name()) ? servers.get(s.name()) : templateServers(HaSupport.servers(inv, c, s)));
            out.put(Names.haproxyServiceFile(c.name(), s.name()), ctx.templates().render("haproxy/service.cfg.ftl", m));
        }
        return out;
    }
}
