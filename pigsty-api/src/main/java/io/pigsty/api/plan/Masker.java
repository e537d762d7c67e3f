package io.pigsty.api.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces every secret of at least {@link Plan#MASK_MIN} characters in a text by
 * {@code ******}, in one pass over the text whatever the number of secrets (an inventory of a
 * thousand clusters has thousands of passwords; replacing each one in turn made rendering
 * quadratic). Immutable, thread-safe.
 */
final class Masker {
    private static final String MASK = "******";
    /** Secrets by their first two characters, longest first. */
    private final Map<Integer, List<String>> byPrefix = new HashMap<>();
    /** Quick filter on the first character: most positions of a text start no secret. */
    private final boolean[] first = new boolean[65536];

    Masker(Set<String> secrets) {
        for (String s : secrets) {
            if (s.length() >= Plan.MASK_MIN) {
                int k = key(s.charAt(0), s.charAt(1));
                byPrefix.computeIfAbsent(k, x -> new ArrayList<>()).add(s);
                first[s.charAt(0)] = true;
            }
        }
        byPrefix.values().forEach(l -> l.sort(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder())));
    }

    private static int key(char a, char b) {
        return (a << 16) | b;
    }

    /**
     * @param text any text
     * @return the text with every secret masked
     */
    String mask(String text) {
        if (byPrefix.isEmpty() || text.length() < Plan.MASK_MIN) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        int last = text.length() - Plan.MASK_MIN;
        for (int i = 0; i <= last; i++) {
            char c = text.charAt(i);
            if (!first[c]) {
                continue;
            }
            List<String> candidates = byPrefix.get(key(c, text.charAt(i + 1)));
            if (candidates == null) {
                continue;
            }
            for (String s : candidates) {
                if (text.startsWith(s, i)) {
                    if (out == null) {
                        out = new StringBuilder(text.length());
                    }
                    out.append(text, copied, i).append(MASK);
                    i += s.length() - 1;
                    copied = i + 1;
                    break;
                }
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }
}
