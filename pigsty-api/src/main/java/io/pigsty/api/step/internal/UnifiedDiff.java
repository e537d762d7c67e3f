package io.pigsty.api.step.internal;

import java.util.ArrayList;
import java.util.List;

/** A small unified diff (LCS based) for showing what a file step would change. */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final int MAX_CELLS = 4_000_000;

    private UnifiedDiff() {
    }

    /**
     * @param path   file name for the header
     * @param before old text (empty when the file is new)
     * @param after  new text
     * @return a unified diff, empty when equal
     */
    public static String diff(String path, String before, String after) {
        if (before.equals(after)) {
            return "";
        }
        String[] a = before.isEmpty() ? new String[0] : before.split("\n", -1);
        String[] b = after.isEmpty() ? new String[0] : after.split("\n", -1);
        if ((long) a.length * b.length > MAX_CELLS) {
            return "--- " + path + "\n+++ " + path + "\n(content differs: " + a.length + " -> " + b.length + " lines)\n";
        }
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        // edit script: ' ' keep, '-' delete, '+' insert, with line numbers
        List<char[]> ops = new ArrayList<>();
        List<String> text = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                ops.add(new char[] {' '});
                text.add(a[i]);
                i++;
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                ops.add(new char[] {'+'});
                text.add(b[j]);
                j++;
            } else {
                ops.add(new char[] {'-'});
                text.add(a[i]);
                i++;
            }
        }
        StringBuilder out = new StringBuilder("--- " + path + "\n+++ " + path + "\n");
        int n = ops.size();
        int k = 0;
        int oldLine = 1;
        int newLine = 1;
        while (k < n) {
            if (ops.get(k)[0] == ' ') {
                oldLine++;
                newLine++;
                k++;
                continue;
            }
            int start = Math.max(0, k - CONTEXT);
            int end = k;
            int lastChange = k;
            while (end < n && (ops.get(end)[0] != ' ' || end - lastChange <= 2 * CONTEXT)) {
                if (ops.get(end)[0] != ' ') {
                    lastChange = end;
                }
                end++;
            }
            end = Math.min(n, lastChange + CONTEXT + 1);
            int os = oldLine - (k - start);
            int ns = newLine - (k - start);
            int oc = 0;
            int nc = 0;
            StringBuilder hunk = new StringBuilder();
            for (int x = start; x < end; x++) {
                char op = ops.get(x)[0];
                hunk.append(op).append(text.get(x)).append('\n');
                if (op != '+') {
                    oc++;
                }
                if (op != '-') {
                    nc++;
                }
            }
            out.append("@@ -").append(os).append(',').append(oc).append(" +").append(ns).append(',').append(nc)
                    .append(" @@\n").append(hunk);
            for (int x = k; x < end; x++) {
                char op = ops.get(x)[0];
                if (op != '+') {
                    oldLine++;
                }
                if (op != '-') {
                    newLine++;
                }
            }
            k = end;
        }
        return out.toString();
    }
}
