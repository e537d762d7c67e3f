package io.pigsty.monitor.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every PromQL query of a classic Grafana dashboard, with its variables filled: what Grafana would
 * send to the TSDB. Offline and deterministic, so a test can run each query against a live TSDB and
 * demand a series (the dashboard check of issue 13) and a unit test can pin the extraction.
 *
 * <p>Handled: panels nested in collapsed rows, {@code $var}, {@code ${var}}, {@code ${var:format}}
 * and {@code [[var]]}, Grafana's own {@code $__rate_interval}, {@code $__interval},
 * {@code $__range} (and {@code _s}/{@code _ms}). A variable neither given nor Grafana's is an error
 * naming the panel, never silently left in the query.
 */
public final class DashboardQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?}|\\[\\[([A-Za-z_][A-Za-z0-9_]*)]]"
            + "|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private DashboardQueries() {
    }

    /**
     * One query of one panel.
     *
     * @param dashboard dashboard uid
     * @param panel     panel title (with its row's title, {@code Row / Panel}, when nested)
     * @param refId     the target's refId
     * @param expr      the PromQL with every variable filled
     */
    public record PanelQuery(String dashboard, String panel, String refId, String expr) {
        /** Canonical constructor: rejects nulls. */
        public PanelQuery {
            Objects.requireNonNull(dashboard);
            Objects.requireNonNull(panel);
            Objects.requireNonNull(refId);
            Objects.requireNonNull(expr);
        }

        /** @return {@code dashboard / panel [refId]} */
        public String where() {
            return dashboard + " / " + panel + " [" + refId + "]";
        }
    }

    /**
     * Grafana's built-in interval variables for a scrape interval, as Grafana computes them for a
     * one-hour range: {@code $__rate_interval} = 4 x scrape interval, {@code $__interval} = the scrape
     * interval, {@code $__range} = 1h.
     *
     * @param scrapeSeconds the datasource's scrape interval in seconds
     * @return variable name to value
     */
    public static Map<String, String> grafanaBuiltins(int scrapeSeconds) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("__rate_interval", (4 * scrapeSeconds) + "s");
        m.put("__interval", scrapeSeconds + "s");
        m.put("__interval_ms", String.valueOf(scrapeSeconds * 1000L));
        m.put("__range", "1h");
        m.put("__range_s", "3600");
        m.put("__range_ms", "3600000");
        return m;
    }

    /**
     * @param dashboardJson a classic dashboard
     * @param vars          dashboard variables ({@code cls}, {@code ins}, ...) to their values; Grafana's
     *                      built-ins default to {@link #grafanaBuiltins(int)} for 10 s unless given
     * @return every query of every panel, in panel order
     * @throws IllegalArgumentException on malformed JSON or a variable with no value
     */
    public static List<PanelQuery> of(String dashboardJson, Map<String, String> vars) {
        JsonNode d;
        try {
            d = JSON.readTree(dashboardJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("dashboard is not JSON: " + e.getOriginalMessage(), e);
        }
        Map<String, String> all = new LinkedHashMap<>(grafanaBuiltins(10));
        all.putAll(vars);
        String uid = d.path("uid").asText("(no uid)");
        List<PanelQuery> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        walk(uid, d.path("panels"), "", all, out, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return List.copyOf(out);
    }

    /**
     * @param dashboardJson a classic dashboard
     * @return names of the dashboard's own variables (not Grafana's), in definition order
     */
    public static List<String> variables(String dashboardJson) {
        try {
            List<String> out = new ArrayList<>();
            JSON.readTree(dashboardJson).path("templating").path("list").forEach(v -> out.add(v.path("name").asText()));
            return List.copyOf(out);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("dashboard is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void walk(String uid, JsonNode panels, String prefix, Map<String, String> vars, List<PanelQuery> out,
            List<String> problems) {
        for (JsonNode p : panels) {
            String title = prefix + p.path("title").asText("(untitled)");
            if (p.path("type").asText().equals("row")) {
                walk(uid, p.path("panels"), title + " / ", vars, out, problems);
                continue;
            }
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText("");
                if (expr.isBlank() || t.path("hide").asBoolean(false)) {
                    continue;
                }
                try {
                    out.add(new PanelQuery(uid, title, t.path("refId").asText("A"), fill(expr, vars)));
                } catch (IllegalArgumentException e) {
                    problems.add(uid + " / " + title + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * @param expr a query with Grafana variables
     * @param vars values (the dashboard's and Grafana's)
     * @return the query with every variable replaced
     * @throws IllegalArgumentException naming the variables without a value
     */
    public static String fill(String expr, Map<String, String> vars) {
        Matcher m = VAR.matcher(expr);
        StringBuilder b = new StringBuilder();
        Set<String> missing = new TreeSet<>(Comparator.naturalOrder());
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String v = vars.get(name);
            if (v == null) {
                missing.add(name);
                v = m.group();
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no value for variable(s) " + missing + " in: " + expr);
        }
        return b.toString();
    }
}
