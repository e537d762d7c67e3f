package io.pigsty.api.preflight;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a preflight found: every problem on every host, at once. Empty problems: the plan may go.
 *
 * @param hosts    hosts checked, by address
 * @param problems every problem, by host then check
 * @param notes    remarks that are not problems (a Debian default cluster to be dropped, ...)
 */
public record PreflightReport(List<String> hosts, List<PreflightProblem> problems, List<String> notes) {
    /** Canonical constructor: copies lists. */
    public PreflightReport {
        hosts = List.copyOf(hosts);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** @return true when no host has a problem */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** @return one line per problem, then the count */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        problems.forEach(p -> sb.append(p.line()).append('\n'));
        notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
        sb.append("preflight: ").append(problems.size()).append(problems.size() == 1 ? " problem" : " problems")
                .append(" on ").append(problems.stream().map(PreflightProblem::host).distinct().count()).append(" of ")
                .append(hosts.size()).append(" hosts\n");
        return sb.toString();
    }

    /** @return the report as one JSON object: {@code {"ok":..,"hosts":[..],"problems":[{..}],"notes":[..]}} */
    public String toJson() {
        return "{\"ok\":" + ok() + ",\"hosts\":" + strings(hosts) + ",\"problems\":[" + problems.stream()
                .map(p -> "{\"host\":" + json(p.host()) + ",\"check\":" + json(p.check()) + ",\"expected\":"
                        + json(p.expected()) + ",\"found\":" + json(p.found()) + "}")
                .collect(Collectors.joining(",")) + "],\"notes\":" + strings(notes) + "}";
    }

    private static String strings(List<String> l) {
        return l.stream().map(PreflightReport::json).collect(Collectors.joining(",", "[", "]"));
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
