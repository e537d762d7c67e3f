package io.pigsty.monitor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One produced series, kept as a value so a collector's result can be cached and replayed. */
public sealed interface Emit {
    /**
     * @param w the writer
     * @param constLabels labels added to every series (a label of the series wins)
     */
    void to(MetricWriter w, List<Map.Entry<String, String>> constLabels);

    /** @return the metric (family) name */
    String name();

    /**
     * A counter or gauge sample. Its rendered text is kept after the first use: a cached collector
     * result is replayed on every scrape within its ttl, and re-rendering thousands of unchanged
     * series was most of the CPU of a cached scrape.
     */
    final class Sample implements Emit {
        private final String name;
        private final MetricWriter.Type type;
        private final String help;
        private final List<Map.Entry<String, String>> labels;
        private final double value;
        private List<Map.Entry<String, String>> renderedFor;
        private String key;
        private String line;

        /**
         * @param name metric name
         * @param type its type
         * @param help help text
         * @param labels labels
         * @param value value
         */
        public Sample(String name, MetricWriter.Type type, String help, List<Map.Entry<String, String>> labels, double value) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.labels = labels;
            this.value = value;
        }

        @Override
        public String name() {
            return name;
        }

        /** @return the value */
        public double value() {
            return value;
        }

        @Override
        public void to(MetricWriter w, List<Map.Entry<String, String>> constLabels) {
            if (renderedFor != constLabels) {
                key = MetricWriter.labelText(merge(labels, constLabels));
                line = name + key + " " + MetricWriter.formatValue(value) + "\n";
                renderedFor = constLabels;
            }
            w.addRendered(name, type, help, key, line);
        }
    }

    /**
     * A snapshot histogram series, written as pg_exporter writes it: three gauge families
     * {@code <name>_bucket} (cumulative, with {@code le}), {@code <name>_count} and {@code <name>_sum},
     * because each query run is an independent snapshot whose values may go down.
     * @param name family name @param description the column's description (may be empty) @param labels labels
     * @param bounds upper bounds @param cumulative cumulative counts @param sum sum @param count count
     */
    record Histogram(String name, String description, List<Map.Entry<String, String>> labels, List<Double> bounds,
                     long[] cumulative, double sum, long count) implements Emit {
        @Override
        public void to(MetricWriter w, List<Map.Entry<String, String>> constLabels) {
            List<Map.Entry<String, String>> l = merge(labels, constLabels);
            String key = MetricWriter.labelText(l);
            for (int i = 0; i <= bounds.size(); i++) {
                List<Map.Entry<String, String>> withLe = new ArrayList<>(l);
                withLe.add(Map.entry("le", i < bounds.size() ? MetricWriter.goFloat(bounds.get(i)) : "+Inf"));
                String bk = MetricWriter.labelText(withLe);
                long v = i < bounds.size() ? cumulative[i] : count;
                w.addRendered(name + "_bucket", MetricWriter.Type.GAUGE, help("cumulative bucket"), bk,
                        name + "_bucket" + bk + " " + v + "\n");
            }
            w.addRendered(name + "_count", MetricWriter.Type.GAUGE, help("observation count"), key,
                    name + "_count" + key + " " + count + "\n");
            w.addRendered(name + "_sum", MetricWriter.Type.GAUGE, help("observation sum"), key,
                    name + "_sum" + key + " " + MetricWriter.formatValue(sum) + "\n");
        }

        private String help(String component) {
            return description.isEmpty() ? component : description + " (" + component + ")";
        }
    }

    private static List<Map.Entry<String, String>> merge(List<Map.Entry<String, String>> labels,
                                                         List<Map.Entry<String, String>> constLabels) {
        if (constLabels.isEmpty()) {
            return labels;
        }
        List<Map.Entry<String, String>> out = new ArrayList<>(labels);
        for (Map.Entry<String, String> c : constLabels) {
            if (labels.stream().noneMatch(l -> l.getKey().equals(c.getKey()))) {
                out.add(c);
            }
        }
        return out;
    }
}
