package io.pigsty.monitor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One produced series, kept as a value so a collector's result can be cached and replayed. */
public sealed interface Emit {
    /** @param w the writer @param constLabels labels added to every series (a label of the series wins) */
    void to(MetricWriter w, List<Map.Entry<String, String>> constLabels);

    /** @return the metric (family) name */
    String name();

    /**
     * A counter or gauge sample.
     * @param name metric name @param type its type @param help help text @param labels labels @param value value
     */
    record Sample(String name, MetricWriter.Type type, String help, List<Map.Entry<String, String>> labels, double value)
            implements Emit {
        @Override
        public void to(MetricWriter w, List<Map.Entry<String, String>> constLabels) {
            w.add(name, type, help, merge(labels, constLabels), value);
        }
    }

    /**
     * A snapshot histogram series.
     * @param name family name @param help help @param labels labels @param bounds upper bounds
     * @param cumulative cumulative counts @param sum sum @param count count
     */
    record Histogram(String name, String help, List<Map.Entry<String, String>> labels, List<Double> bounds,
                     long[] cumulative, double sum, long count) implements Emit {
        @Override
        public void to(MetricWriter w, List<Map.Entry<String, String>> constLabels) {
            w.addHistogram(name, help, merge(labels, constLabels), bounds, cumulative, sum, count);
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
