package io.pigsty.monitor.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The metric names rules and dashboards may use: the exporter contract plus our recording rules. */
final class MetricContract {
    static final String CONTRACT = "expected-exporter-metrics.txt";

    private MetricContract() {
    }

    /** @return names listed in expected-exporter-metrics.txt */
    static Set<String> exporterMetrics() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String line : PromtoolTest.resource(CONTRACT).split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (!l.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalStateException(CONTRACT + ": not a metric name: '" + l + "'");
            }
            if (!out.add(l)) {
                throw new IllegalStateException(CONTRACT + ": listed twice: " + l);
            }
        }
        return out;
    }

    /** @return record name to expression, for every recording rule of the bundled rule files */
    static Map<String, String> recordingRules() throws IOException {
        return rules("record");
    }

    /** @return alert name to expression */
    static Map<String, String> alertRules() throws IOException {
        return rules("alert");
    }

    private static Map<String, String> rules(String kind) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String text : PrometheusArtifacts.ruleFiles().values()) {
            for (JsonNode g : PrometheusArtifactsTest.YAML.readTree(text).get("groups")) {
                for (JsonNode r : g.get("rules")) {
                    if (r.has(kind)) {
                        out.put(r.get(kind).asText(), r.get("expr").asText());
                    }
                }
            }
        }
        return out;
    }

    /** @return every name an expression may refer to */
    static Set<String> allowed() throws IOException {
        Set<String> out = new TreeSet<>(exporterMetrics());
        out.addAll(recordingRules().keySet());
        out.add("up");
        return out;
    }
}
