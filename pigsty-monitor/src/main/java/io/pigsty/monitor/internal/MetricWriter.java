package io.pigsty.monitor.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates samples of one scrape and renders Prometheus text format 0.0.4: one HELP and TYPE
 * per family, each family contiguous, families and series sorted so two scrapes of the same
 * state produce the same bytes. The first writer of a series wins; later duplicates are dropped,
 * because a duplicated series makes Prometheus reject the whole scrape.
 */
public final class MetricWriter {
    /** The content type of {@link #render()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Map<String, Family> families = new TreeMap<>();
    private int dropped;
    private int chars;

    /** Metric types of the 0.0.4 format. */
    public enum Type {
        /** monotonically increasing. */ COUNTER,
        /** goes up and down. */ GAUGE,
        /** bucketed observations. */ HISTOGRAM;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final class Family {
        final Type type;
        final String help;
        /** Sorted series maps: this writer's own (mutable) and those of added blocks (shared, read-only). */
        final List<Map<String, String>> chunks = new java.util.ArrayList<>(1);
        Map<String, String> own;

        Family(Type type, String help) {
            this.type = type;
            this.help = help;
        }

        Map<String, String> own() {
            if (own == null) {
                own = new TreeMap<>();
                chunks.add(own);
            }
            return own;
        }

        boolean contains(String key) {
            for (Map<String, String> c : chunks) {
                if (c.containsKey(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Rendered, sorted, de-duplicated families of one collector result. Built once when the
     * collector runs and replayed while its result is cached, so a cached scrape only copies text.
     */
    public static final class Block {
        private final Map<String, Family> families;
        private final int chars;

        private Block(Map<String, Family> families, int chars) {
            this.families = families;
            this.chars = chars;
        }

        /** @return the number of series in the block */
        public int size() {
            int n = 0;
            for (Family f : families.values()) {
                n += f.own == null ? 0 : f.own.size();
            }
            return n;
        }
    }

    /**
     * @param emits       series of one collector result
     * @param constLabels labels added to every series
     * @return the block
     */
    public static Block block(List<Emit> emits, List<Map.Entry<String, String>> constLabels) {
        MetricWriter w = new MetricWriter();
        for (Emit e : emits) {
            e.to(w, constLabels);
        }
        return new Block(w.families, w.chars);
    }

    /**
     * Adds a block; its series are not copied, so this is cheap however large the block is.
     * @param b the block
     */
    public void addBlock(Block b) {
        for (Map.Entry<String, Family> e : b.families.entrySet()) {
            Family src = e.getValue();
            if (src.own == null) {
                continue;
            }
            Family f = family(e.getKey(), src.type, src.help);
            if (f == null) {
                dropped += src.own.size();
                continue;
            }
            f.chunks.add(java.util.Collections.unmodifiableMap(src.own));
        }
        chars += b.chars;
    }

    /**
     * Adds one counter or gauge sample.
     *
     * @param name   metric name
     * @param type   COUNTER or GAUGE
     * @param help   help text (escaped here)
     * @param labels label name/value pairs in order
     * @param value  the value
     * @return false when the sample was dropped (duplicate series, or type clash with an earlier family)
     */
    public boolean add(String name, Type type, String help, List<Map.Entry<String, String>> labels, double value) {
        String key = labels(labels, null, null);
        return addRendered(name, type, help, key, name + key + " " + formatValue(value) + "\n");
    }

    /**
     * Adds a sample already rendered by {@link #labelText(List)} and {@link #formatValue(double)}.
     *
     * @param name metric name
     * @param type COUNTER or GAUGE
     * @param help help text
     * @param key  the label part, e.g. {@code {datname="app"}} (empty without labels)
     * @param line the whole sample line incl. the trailing newline
     * @return false when dropped as a duplicate or type clash
     */
    public boolean addRendered(String name, Type type, String help, String key, String line) {
        Family f = family(name, type, help);
        if (f == null) {
            return false;
        }
        if (f.contains(key)) {
            dropped++;
            return false;
        }
        f.own().put(key, line);
        chars += line.length();
        return true;
    }

    /**
     * @param labels label pairs
     * @return their text form {@code {a="x",b="y"}}, escaped; empty for none
     */
    public static String labelText(List<Map.Entry<String, String>> labels) {
        return labels(labels, null, null);
    }

    /**
     * Adds one histogram series.
     *
     * @param name       family name
     * @param help       help text
     * @param labels     labels of the series (without {@code le})
     * @param bounds     finite upper bounds, increasing
     * @param cumulative cumulative counts per bound
     * @param sum        sum of observations
     * @param count      number of observations (the {@code +Inf} bucket)
     * @return false when dropped as a duplicate or type clash
     */
    public boolean addHistogram(String name, String help, List<Map.Entry<String, String>> labels, List<Double> bounds,
                                long[] cumulative, double sum, long count) {
        Family f = family(name, Type.HISTOGRAM, help);
        if (f == null) {
            return false;
        }
        String key = labels(labels, null, null);
        if (f.contains(key)) {
            dropped++;
            return false;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bounds.size(); i++) {
            sb.append(name).append("_bucket").append(labels(labels, "le", formatValue(bounds.get(i))))
                    .append(' ').append(cumulative[i]).append('\n');
        }
        sb.append(name).append("_bucket").append(labels(labels, "le", "+Inf")).append(' ').append(count).append('\n');
        sb.append(name).append("_sum").append(key).append(' ').append(formatValue(sum)).append('\n');
        sb.append(name).append("_count").append(key).append(' ').append(count).append('\n');
        f.own().put(key, sb.toString());
        chars += sb.length();
        return true;
    }

    private Family family(String name, Type type, String help) {
        Family f = families.computeIfAbsent(name, n -> new Family(type, help));
        if (f.type != type) {
            dropped++;
            return null;
        }
        return f;
    }

    /** @return samples dropped as duplicates or type clashes so far */
    public int dropped() {
        return dropped;
    }

    /** @return the distinct family names so far, sorted */
    public java.util.Set<String> familyNames() {
        return java.util.Collections.unmodifiableSet(families.keySet());
    }

    /** @return the exposition text; ends with a newline */
    public String render() {
        StringBuilder sb = new StringBuilder(chars + families.size() * 160);
        for (Map.Entry<String, Family> e : families.entrySet()) {
            Family f = e.getValue();
            Map<String, String> series;
            if (f.chunks.size() == 1) {
                series = f.chunks.get(0);
            } else {
                // several writers of one family: merge in order, the first writer of a series wins
                series = new TreeMap<>();
                for (Map<String, String> c : f.chunks) {
                    for (Map.Entry<String, String> s : c.entrySet()) {
                        if (series.putIfAbsent(s.getKey(), s.getValue()) != null) {
                            dropped++;
                        }
                    }
                }
            }
            if (series.isEmpty()) {
                continue;
            }
            sb.append("# HELP ").append(e.getKey()).append(' ').append(escapeHelp(f.help)).append('\n');
            sb.append("# TYPE ").append(e.getKey()).append(' ').append(f.type.text()).append('\n');
            for (String line : series.values()) {
                sb.append(line);
            }
        }
        return sb.toString();
    }

    private static String labels(List<Map.Entry<String, String>> labels, String extraName, String extraValue) {
        if (labels.isEmpty() && extraName == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> l : labels) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(l.getKey()).append("=\"").append(escapeLabel(l.getValue())).append('"');
        }
        if (extraName != null) {
            if (!first) {
                sb.append(',');
            }
            sb.append(extraName).append("=\"").append(escapeLabel(extraValue)).append('"');
        }
        return sb.append('}').toString();
    }

    /**
     * @param v a label value
     * @return it with backslash, double quote and newline escaped
     */
    public static String escapeLabel(String v) {
        if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * @param v help text
     * @return it with backslash and newline escaped
     */
    public static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /**
     * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: the shortest digits, in exponent form when
     * the decimal exponent is below -4 or at least 6, e.g. {@code 1e+06}, {@code 100000},
     * {@code 0.001}, {@code 1e-05}. pg_exporter writes histogram {@code le} labels so,
     * and a label value must match to the byte for a query to find the series.
     *
     * @param v a finite value
     * @return its text
     */
    public static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        StringBuilder sb = new StringBuilder(v < 0 ? "-" : "");
        if (exp < -4 || exp >= 6) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
            return sb.toString();
        }
        return sb.append(bd.toPlainString()).toString();
    }

    /**
     * @param v a sample value
     * @return Go-compatible float text: integers without exponent, NaN, +Inf, -Inf
     */
    public static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
