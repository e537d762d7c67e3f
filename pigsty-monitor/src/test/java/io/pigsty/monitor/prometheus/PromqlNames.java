package io.pigsty.monitor.prometheus;

import java.util.Set;
import java.util.TreeSet;

/**
 * Pulls metric names and Grafana variable references out of a PromQL expression, without a
 * full parser: strings, label matchers ({@code {...}}), ranges ({@code [...]}), numbers and
 * durations are skipped; an identifier followed by {@code (} is a function, aggregation operators
 * are keywords (they may be followed by {@code by (...)});
 * {@code by/without/on/ignoring/group_left/group_right} are followed by a label list that is
 * skipped; the remaining identifiers are metric names.
 */
final class PromqlNames {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "atan2", "inf", "nan", "Inf", "NaN", "start", "end",
            // aggregation operators: followed by "(" or by a "by (...)"/"without (...)" clause
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    private PromqlNames() {
    }

    /** What one expression refers to. */
    record Refs(Set<String> metrics, Set<String> variables) {
    }

    static Refs parse(String expr) {
        Set<String> metrics = new TreeSet<>();
        Set<String> vars = new TreeSet<>();
        int n = expr.length();
        int i = 0;
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i, vars);
            } else if (c == '{' || c == '[') {
                char close = c == '{' ? '}' : ']';
                int j = i + 1;
                while (j < n && expr.charAt(j) != close) {
                    char d = expr.charAt(j);
                    if (d == '"' || d == '\'' || d == '`') {
                        j = skipString(expr, j, vars);
                    } else if (d == '$') {
                        j = variable(expr, j, vars);
                    } else {
                        j++;
                    }
                }
                if (j >= n) {
                    throw new IllegalArgumentException("unbalanced " + c + " in: " + expr);
                }
                i = j + 1;
            } else if (c == '$') {
                i = variable(expr, i, vars);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                // numbers, 1e-3, 0x1f and durations such as 5m30s
                int j = i;
                while (j < n && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '.'
                        || ((expr.charAt(j) == '-' || expr.charAt(j) == '+') && (expr.charAt(j - 1) == 'e'
                        || expr.charAt(j - 1) == 'E')))) {
                    j++;
                }
                i = j;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_'
                        || expr.charAt(j) == ':')) {
                    j++;
                }
                String id = expr.substring(i, j);
                int k = j;
                while (k < n && Character.isWhitespace(expr.charAt(k))) {
                    k++;
                }
                boolean call = k < n && expr.charAt(k) == '(';
                if (LABEL_LIST_KEYWORDS.contains(id)) {
                    if (call) {
                        int close = expr.indexOf(')', k);
                        if (close < 0) {
                            throw new IllegalArgumentException("unbalanced ( after " + id + " in: " + expr);
                        }
                        j = close + 1;
                    }
                } else if (!call && !KEYWORDS.contains(id)) {
                    metrics.add(id);
                }
                i = j;
            } else {
                i++;
            }
        }
        return new Refs(metrics, vars);
    }

    private static int skipString(String s, int start, Set<String> vars) {
        char q = s.charAt(start);
        int j = start + 1;
        while (j < s.length() && s.charAt(j) != q) {
            if (s.charAt(j) == '\\' && q != '`') {
                j += 2;
            } else if (s.charAt(j) == '$') {
                j = variable(s, j, vars);
            } else {
                j++;
            }
        }
        if (j >= s.length()) {
            throw new IllegalArgumentException("unterminated string in: " + s);
        }
        return j + 1;
    }

    /** Reads {@code $name}, {@code ${name}} or {@code ${name:fmt}}; {@code $1} (regex groups) is not a variable. */
    private static int variable(String s, int start, Set<String> vars) {
        int j = start + 1;
        if (j < s.length() && s.charAt(j) == '{') {
            int close = s.indexOf('}', j);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated ${ in: " + s);
            }
            String name = s.substring(j + 1, close);
            int colon = name.indexOf(':');
            vars.add(colon >= 0 ? name.substring(0, colon) : name);
            return close + 1;
        }
        int k = j;
        while (k < s.length() && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_')) {
            k++;
        }
        String name = s.substring(j, k);
        if (!name.isEmpty() && !Character.isDigit(name.charAt(0))) {
            vars.add(name);
        }
        return k;
    }
}
