package io.pigsty.monitor.internal;

import io.pigsty.monitor.Collector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Decides once per server which collectors apply: version bounds, skip, tags. Pure, so testable offline. */
public final class Planner {
    private Planner() {
    }

    /**
     * @param collector the collector
     * @param installed whether it runs
     * @param reason    why (or why not), for {@code /explain}
     */
    public record Decision(Collector collector, boolean installed, String reason) {
    }

    /**
     * @param installed collectors to run, by priority then branch
     * @param decisions one per collector in config order
     */
    public record Plan(List<Collector> installed, List<Decision> decisions) {
        /** Copies the lists. */
        public Plan {
            installed = List.copyOf(installed);
            decisions = List.copyOf(decisions);
        }
    }

    /**
     * @param collectors   all collectors of the config
     * @param server       what the precheck found
     * @param exporterTags tags the exporter was started with
     * @param mainServer   true for the connection of the target URL (runs {@code cluster} collectors);
     *                     false for a discovered database (runs only per-database ones)
     * @return the plan
     */
    public static Plan plan(List<Collector> collectors, ServerInfo server, Set<String> exporterTags, boolean mainServer) {
        List<Decision> decisions = new ArrayList<>();
        List<Collector> installed = new ArrayList<>();
        for (Collector c : collectors) {
            String why = reject(c, server, exporterTags, mainServer);
            decisions.add(new Decision(c, why == null, why == null ? "installed" : why));
            if (why == null) {
                installed.add(c);
            }
        }
        // equal timeouts adjacent: the statement_timeout is only re-SET when it changes
        installed.sort(Comparator.comparingInt(Collector::priority).thenComparingDouble(Collector::timeoutSeconds)
                .thenComparing(Collector::branch));
        return new Plan(installed, decisions);
    }

    private static String reject(Collector c, ServerInfo s, Set<String> exporterTags, boolean mainServer) {
        if (c.skip()) {
            return "skip: true";
        }
        boolean bouncerCollector = c.tags().contains("pgbouncer");
        if (bouncerCollector != s.pgbouncer()) {
            return s.pgbouncer() ? "target is pgbouncer, collector is not" : "collector needs a pgbouncer target";
        }
        // pg_exporter: an undetermined version (0, e.g. a PgBouncer whose version did not parse) passes
        if (s.version() != 0 && !c.supportsVersion(s.version())) {
            return "version " + s.version() + " outside [" + c.minVersion() + ", "
                    + (c.maxVersion() == 0 ? "inf" : c.maxVersion()) + ")";
        }
        for (String tag : c.tags()) {
            String why = tag(tag, s, exporterTags, mainServer);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private static String tag(String tag, ServerInfo s, Set<String> exporterTags, boolean mainServer) {
        switch (tag) {
            case "cluster":
                return mainServer ? null : "cluster-level, runs on the main connection only";
            case "pgbouncer":
                return null;
            case "primary":
            case "master":
            case "leader":
                return s.recovery() ? "tag " + tag + ": server is in recovery" : null;
            case "replica":
            case "standby":
            case "slave":
                return s.recovery() ? null : "tag " + tag + ": server is not in recovery";
            default:
                break;
        }
        int colon = tag.indexOf(':');
        if (colon > 0) {
            String kind = tag.substring(0, colon);
            String value = tag.substring(colon + 1);
            switch (kind) {
                case "dbname":
                    return value.equals(s.datname()) ? null : "tag " + tag + ": database is " + s.datname();
                case "username":
                    return value.equals(s.user()) ? null : "tag " + tag + ": user is " + s.user();
                case "extension":
                    return s.extensions().contains(value) ? null : "tag " + tag + ": extension not installed";
                case "schema":
                    return s.schemas().contains(value) ? null : "tag " + tag + ": schema absent";
                case "not":
                    return exporterTags.contains(value) ? "tag " + tag + ": exporter has tag " + value : null;
                default:
                    break;
            }
        }
        return exporterTags.contains(tag) ? null : "tag " + tag + ": exporter lacks this tag";
    }
}
