package io.pigsty.api.preflight.internal;

import io.pigsty.api.exec.Host;
import io.pigsty.api.preflight.HostExpectations;
import io.pigsty.api.preflight.PreflightProblem;
import io.pigsty.api.quote.ShellQuote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one read-only script a preflight runs per host, what it prints, and the rules over it. Internal. */
public final class Probe {
    private Probe() {
    }

    /**
     * What a host answered.
     *
     * @param values   key=value lines (last wins), in order
     * @param running  data directories of running postmasters (resolved)
     * @param midpoint controller time half-way through the round trip, ms
     * @param error    half the round trip, ms: the bound of the clock estimate
     */
    public record Answer(Map<String, String> values, List<String> running, long midpoint, long error) {
        Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
        }
    }

    private static String q(String s) {
        return ShellQuote.quote(s);
    }

    /**
     * @param e what the host must offer
     * @return a POSIX sh script that only reads, printing key=value lines
     */
    public static String script(HostExpectations e) {
        StringBuilder sb = new StringBuilder();
        sb.append(". /etc/os-release 2>/dev/null; echo \"os=${ID:-unknown} ${VERSION_ID:-unknown}\"\n");
        sb.append("[ -d /run/systemd/system ] && echo systemd=yes || echo systemd=no\n");
        sb.append("echo \"uid=$(id -u)\"\n");
        sb.append("if [ \"$(id -u)\" != 0 ]; then sudo -n true 2>/dev/null && echo sudo=yes || echo sudo=no; fi\n");
        sb.append("echo \"mem_kb=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)\"\n");
        sb.append("echo \"clock_ms=$(date +%s%3N)\"\n");
        sb.append("d=").append(q(e.diskPath())).append("; while [ ! -d \"$d\" ]; do d=$(dirname \"$d\"); done; ")
                .append("echo \"disk=$d $(df -Pk \"$d\" | awk 'NR==2{print $4}')\"\n");
        for (String i : e.interfaces()) {
            sb.append("ip -o link show dev ").append(q(i)).append(" >/dev/null 2>&1 && echo ").append(q("if:" + i + "=yes"))
                    .append(" || echo ").append(q("if:" + i + "=no")).append('\n');
        }
        sb.append("addrs=\"$(ip -o addr show 2>/dev/null | awk '{split($4,x,\"/\"); print $2, x[1]}')\"\n");
        List<String> local = new ArrayList<>(e.addresses());
        e.vip().ifPresent(local::add);
        for (String a : local) {
            sb.append("n=$(echo \"$addrs\" | awk -v a=").append(q(a)).append(" '$2==a {print $1; exit}'); echo \"addr:")
                    .append(a).append("=${n:-none}\"\n");
        }
        e.vip().ifPresent(v -> sb.append("if ! command -v ping >/dev/null; then echo vip_ping=unknown; elif ping -c1 -W1 ").append(q(v))
                .append(" >/dev/null 2>&1; then echo vip_ping=yes; else echo vip_ping=no; fi\n"));
        if (!e.ports().isEmpty()) {
            sb.append("l=\"$(ss -Hltnp 2>/dev/null)\"\n");
            for (int p : e.ports().keySet()) {
                sb.append("u=$(echo \"$l\" | awk -v p=':").append(p).append("$' '$4 ~ p {print; exit}'); ")
                        .append("if [ -z \"$u\" ]; then echo port:").append(p).append("=free; else n=$(echo \"$u\" | sed -n ")
                        .append("'s/.*users:((\"\\([^\"]*\\)\".*/\\1/p'); echo \"port:").append(p).append("=${n:-unknown}\"; fi\n");
            }
        }
        if (!e.packages().isEmpty()) {
            sb.append("apt-cache policy");
            e.packages().forEach(p -> sb.append(' ').append(q(p)));
            sb.append(" 2>/dev/null | awk '/^[^ ]/{n=$1; sub(/:$/,\"\",n)} /^  Candidate:/{print \"pkg:\" n \"=\" $2}'\n");
            e.minVersions().forEach((p, v) -> sb.append("c=$(apt-cache policy ").append(q(p))
                    .append(" 2>/dev/null | awk '/^  Candidate:/{print $2; exit}'); if [ -n \"$c\" ] && [ \"$c\" != '(none)' ]; then ")
                    .append("dpkg --compare-versions \"$c\" ge ").append(q(v)).append(" && echo \"pkgmin:").append(p)
                    .append("=ok $c\" || echo \"pkgmin:").append(p).append("=old $c\"; fi\n"));
        }
        e.dataDir().ifPresent(d -> {
            sb.append("if [ -f ").append(q(d + "/PG_VERSION")).append(" ]; then echo \"pgdata=$(cat ").append(q(d + "/PG_VERSION"))
                    .append(")\"; else echo pgdata=none; fi\n");
            sb.append("echo \"pgdata_real=$(readlink -f ").append(q(d)).append(" 2>/dev/null)\"\n");
            sb.append("s=$(awk '/^scope:/{print $2; exit}' /etc/patroni/patroni.yml 2>/dev/null); echo \"scope=${s:-none}\"\n");
            sb.append("ps -eo args= | awk '$1 ~ /(^|\\/)postgres$/ {for (i=2;i<NF;i++) if ($i==\"-D\") print $(i+1)}' | ")
                    .append("while read -r x; do echo \"pgrun=$(readlink -f \"$x\")\"; done\n");
        });
        if (!e.hostnames().isEmpty()) {
            // /etc/hosts only (NSS "files"): where node names live in Pigsty's layout, and no DNS timeout per name
            sb.append("echo \"hostname=$(hostname 2>/dev/null)\"\n");
            new java.util.TreeSet<>(e.hostnames().keySet()).forEach(n -> sb.append("r=$(getent -s files ahosts ").append(q(n))
                    .append(" 2>/dev/null | awk '{print $1}' | sort -u | tr '\\n' ' '); echo \"name:").append(n)
                    .append("=${r:-none}\"\n"));
        }
        sb.append("true\n");
        return sb.toString();
    }

    /**
     * @param stdout   what the script printed
     * @param midpoint controller time half-way through the round trip, ms
     * @param error    half the round trip, ms
     * @return the answer
     */
    public static Answer parse(String stdout, long midpoint, long error) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> running = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String k = line.substring(0, eq);
            String v = line.substring(eq + 1).strip();
            if (k.equals("pgrun")) {
                running.add(v);
            } else {
                values.put(k, v);
            }
        }
        return new Answer(values, running, midpoint, error);
    }

    /**
     * Rules over one host's answer.
     *
     * @param host     host address
     * @param e        what the plan needs there
     * @param a        what the host said
     * @param problems where problems go
     * @param notes    where remarks go
     */
    public static void evaluate(String host, HostExpectations e, Answer a, List<PreflightProblem> problems, List<String> notes) {
        String os = a.get("os").orElse("unknown");
        if (!os.equals("debian 12") && !os.equals("debian 13")) {
            problems.add(new PreflightProblem(host, "os", "Debian 12 or 13", os.isBlank() ? "unknown" : os));
        }
        if (!a.get("systemd").orElse("no").equals("yes")) {
            problems.add(new PreflightProblem(host, "systemd", "systemd running as PID 1", "no /run/systemd/system"));
        }
        if (!a.get("uid").orElse("").equals("0") && !a.get("sudo").orElse("no").equals("yes")) {
            problems.add(new PreflightProblem(host, "privilege", "root or passwordless sudo (sudo -n)",
                    "uid " + a.get("uid").orElse("?") + " without sudo"));
        }
        for (String p : e.packages()) {
            String c = a.get("pkg:" + p).orElse("(none)");
            if (c.equals("(none)")) {
                problems.add(new PreflightProblem(host, "package", p + " available from the host's apt sources",
                        "no candidate (apt-cache policy " + p + ")"));
            }
        }
        e.minVersions().forEach((p, v) -> a.get("pkgmin:" + p).filter(x -> x.startsWith("old")).ifPresent(x ->
                problems.add(new PreflightProblem(host, "package", p + " >= " + v, "candidate " + x.substring(4)))));
        for (String i : e.interfaces()) {
            if (!a.get("if:" + i).orElse("no").equals("yes")) {
                problems.add(new PreflightProblem(host, "interface", "interface " + i + " (pg_vip_interface)", "no such interface"));
            }
        }
        for (String addr : e.addresses()) {
            if (a.get("addr:" + addr).orElse("none").equals("none")) {
                problems.add(new PreflightProblem(host, "address", addr + " on an interface of the host", "not assigned"));
            }
        }
        e.ports().forEach((port, names) -> {
            String holder = a.get("port:" + port).orElse("free");
            if (!holder.equals("free") && !names.contains(holder)) {
                problems.add(new PreflightProblem(host, "port", "port " + port + " free or held by " + String.join("/", names),
                        "held by " + holder));
            }
        });
        a.get("disk").ifPresent(d -> {
            String[] f = d.split(" ");
            if (f.length == 2 && f[1].matches("\\d+") && Long.parseLong(f[1]) / 1024 < e.minFreeDiskMb()) {
                problems.add(new PreflightProblem(host, "disk", e.minFreeDiskMb() + " MiB free under " + e.diskPath(),
                        Long.parseLong(f[1]) / 1024 + " MiB free on " + f[0]));
            }
        });
        a.get("mem_kb").filter(m -> m.matches("\\d+")).ifPresent(m -> {
            long mb = Long.parseLong(m) / 1024;
            if (e.plannedMemMb() > 0 && mb < e.plannedMemMb() * 9 / 10) {
                problems.add(new PreflightProblem(host, "memory", "at least " + e.plannedMemMb()
                        + " MiB, the memory the plan's tuning (shared_buffers) was computed for", mb + " MiB"));
            }
        });
        hostnames(host, e, a, problems);
        e.dataDir().ifPresent(d -> {
            String v = a.get("pgdata").orElse("none");
            String scope = a.get("scope").orElse("none");
            if (!v.equals("none") && !e.patroniScope().map(scope::equals).orElse(false)) {
                problems.add(new PreflightProblem(host, "data-dir", d + " empty, or a cluster of Patroni scope "
                        + e.patroniScope().orElse("?"), "a PostgreSQL " + v + " data directory"
                        + (scope.equals("none") ? " that no Patroni of ours manages" : " of Patroni scope " + scope)
                        + " (remove it, or set pg_data elsewhere)"));
            }
            String real = a.get("pgdata_real").orElse(d);
            for (String r : a.running()) {
                if (r.equals(real)) {
                    continue;
                }
                if (r.matches("/var/lib/postgresql/\\d+/main")) {
                    notes.add(host + ": Debian's default cluster " + r + " is running; node:debian-defaults drops it");
                } else {
                    problems.add(new PreflightProblem(host, "postgres", "no PostgreSQL the inventory does not describe",
                            "a postmaster running on " + r));
                }
            }
        });
    }

    // each node name of the plan, as this host resolves it, names the host the inventory says (or nothing);
    // and this host is not called by another host's node name (swapped addresses, a cloned machine)
    private static void hostnames(String host, HostExpectations e, Answer a, List<PreflightProblem> problems) {
        new java.util.TreeMap<>(e.hostnames()).forEach((name, ip) -> {
            String found = a.get("name:" + name).orElse("none").strip();
            if (found.isEmpty() || found.equals("none")) {
                return;
            }
            boolean self = ip.equals(host);
            List<String> wrong = java.util.Arrays.stream(found.split("\\s+")).filter(r -> !r.equals(ip)
                    && !(self && (loopback(r) || e.addresses().contains(r)))).toList();
            if (!wrong.isEmpty()) {
                problems.add(new PreflightProblem(host, "hostname", name + " (nodename of " + ip + ") unresolved or resolving to "
                        + ip + (self ? " or loopback" : ""), "/etc/hosts resolves it to " + String.join(" ", wrong)));
            }
        });
        a.get("hostname").filter(n -> !n.isEmpty()).ifPresent(n -> {
            String named = e.hostnames().get(n);
            if (named != null && !named.equals(host)) {
                problems.add(new PreflightProblem(host, "hostname", "a hostname other than " + n + ", the nodename of " + named,
                        "this host is called " + n + " (addresses swapped in the inventory, or a cloned machine?)"));
            }
        });
    }

    private static boolean loopback(String address) {
        return address.startsWith("127.") || address.equals("::1");
    }

    /**
     * A VIP must be free, or held by a member of the cluster: it answering while no member holds
     * it means another host has it.
     *
     * @param byHost   expectations by host
     * @param answers  answers by host
     * @param problems where problems go
     * @param notes    where remarks go
     */
    public static void evaluateVip(Map<Host, HostExpectations> byHost, Map<Host, Answer> answers, List<PreflightProblem> problems,
                                   List<String> notes) {
        Map<String, List<Host>> byVip = new LinkedHashMap<>();
        byHost.forEach((h, e) -> e.vip().ifPresent(v -> byVip.computeIfAbsent(v, k -> new ArrayList<>()).add(h)));
        byVip.forEach((vip, hosts) -> {
            boolean held = hosts.stream().map(answers::get).anyMatch(a -> a != null
                    && !a.get("addr:" + vip).orElse("none").equals("none"));
            boolean answers0 = hosts.stream().map(answers::get).anyMatch(a -> a != null && a.get("vip_ping").orElse("no").equals("yes"));
            boolean unknown = hosts.stream().map(answers::get).anyMatch(a -> a != null
                    && a.get("vip_ping").orElse("no").equals("unknown"));
            if (!held && !answers0 && unknown) {
                notes.add("VIP " + vip + ": no ping on the members, cannot tell whether another host holds it");
            }
            if (!held && answers0) {
                problems.add(new PreflightProblem(hosts.get(0).address(), "vip", "VIP " + vip + " free or held by a member",
                        "it answers ping, but no member holds it: another host has it"));
            }
        });
    }

    /**
     * Clocks of one plan's hosts must agree within a bound: etcd leases and Patroni's ttl count on it.
     *
     * @param answers  answers by host
     * @param bound    largest accepted spread
     * @param problems where problems go
     */
    public static void evaluateClocks(Map<Host, Answer> answers, Duration bound, List<PreflightProblem> problems) {
        Map<Host, Long> offsets = new LinkedHashMap<>();
        long err = 0;
        for (Map.Entry<Host, Answer> e : answers.entrySet()) {
            Optional<String> c = e.getValue().get("clock_ms").filter(x -> x.matches("\\d+"));
            if (c.isPresent()) {
                offsets.put(e.getKey(), Long.parseLong(c.get()) - e.getValue().midpoint());
                err = Math.max(err, e.getValue().error());
            }
        }
        if (offsets.size() < 2) {
            return;
        }
        List<Long> sorted = offsets.values().stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        long limit = bound.toMillis() + err;
        offsets.forEach((h, off) -> {
            if (Math.abs(off - median) > limit) {
                problems.add(new PreflightProblem(h.address(), "clock", "within " + bound.toMillis() + " ms of the other hosts",
                        (off - median > 0 ? "+" : "") + (off - median) + " ms"));
            }
        });
    }
}
