package io.pigsty.api.facts;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.model.PigstyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reads a host's facts with one read-only shell command. */
public final class FactsGatherer {
    private static final String PROBE = String.join("; ",
            ". /etc/os-release 2>/dev/null; echo \"os=${ID:-unknown}\"; echo \"osver=${VERSION_ID:-unknown}\"",
            "echo \"cpu=$(nproc)\"",
            "echo \"mem=$(awk '/^MemTotal:/{print int($2/1024)}' /proc/meminfo)\"",
            "d=/data; [ -d $d ] || d=/; echo \"disk=$(df -P -BG $d | awk 'NR==2{gsub(\"G\",\"\",$2); print $2}')\"",
            "echo '--packages'",
            "dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n' 2>/dev/null | awk '$1==\"ii\"{print $2\"=\"$3}'",
            "echo '--addresses'",
            "ip -o -4 addr show 2>/dev/null | awk '{split($4, a, \"/\"); sub(/@.*/, \"\", $2); print a[1]\"=\"$2}'",
            "echo '--services'",
            "systemctl list-units --type=service --state=running --no-legend --plain 2>/dev/null | awk '{print $1}'",
            "true");

    private FactsGatherer() {
    }

    /**
     * Gathers several hosts in parallel.
     *
     * @param executor    how to reach the hosts
     * @param hosts       the hosts (one per address)
     * @param parallelism at most this many at once
     * @return their facts
     * @throws io.pigsty.api.exec.ExecException when a host cannot be reached or the probe fails
     */
    public static Facts gather(Executor executor, Collection<Host> hosts, int parallelism) {
        Map<String, HostFacts> out = new ConcurrentHashMap<>();
        if (hosts.isEmpty()) {
            return Facts.empty();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, hosts.size())));
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Host h : hosts) {
                fs.add(pool.submit(() -> out.put(h.address(), gather(executor, h))));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PigstyException("interrupted while gathering facts", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new PigstyException(e.getCause().toString(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return Facts.of(out);
    }

    /**
     * @param executor how to reach the host
     * @param host     the host
     * @return its facts
     */
    public static HostFacts gather(Executor executor, Host host) {
        Command cmd = Command.shell(PROBE).timeout(Duration.ofSeconds(30)).build();
        ExecResult r = executor.run(host, cmd).requireOk(host, cmd);
        Map<String, String> kv = new HashMap<>();
        Map<String, String> pkgs = new HashMap<>();
        Set<String> services = new HashSet<>();
        Map<String, String> addresses = new HashMap<>();
        String section = "";
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("--")) {
                section = line;
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            switch (section) {
                case "--packages" -> {
                    if (eq > 0) {
                        pkgs.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
                case "--addresses" -> {
                    if (eq > 0) {
                        addresses.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                    }
                }
                case "--services" -> services.add(line.strip().replaceFirst("\\.service$", ""));
                default -> {
                    if (eq > 0) {
                        kv.put(line.substring(0, eq), line.substring(eq + 1).strip());
                    }
                }
            }
        }
        return new HostFacts(kv.getOrDefault("os", "unknown"), kv.getOrDefault("osver", "unknown"),
                parseInt(kv.get("cpu"), 1), parseLong(kv.get("mem"), 0), parseLong(kv.get("disk"), 0), pkgs, services,
                false, addresses);
    }

    private static int parseInt(String s, int dflt) {
        try {
            return s == null ? dflt : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static long parseLong(String s, long dflt) {
        try {
            return s == null ? dflt : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
