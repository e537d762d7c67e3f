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
    /** Secrets by their first four characters, longest first. */
    private final Map<Long, List<String>> byPrefix = new HashMap<>();
    /** Quick filter on the first character: most positions of a text start no secret. */
    private final boolean[] first = new boolean[65536];
    /**
     * Second filter, on a hash of the first four characters: a secret's first character is often a
     * common letter ({@code p} of {@code pgBackRest}), and looking up every such position in the map
     * was the largest part of masking a plan.
     */
    private final boolean[] quad = new boolean[QUAD_SIZE];
    private static final int QUAD_SIZE = 1 << 16;

    Masker(Set<String> secrets) {
        this.source = secrets;
        for (String s : secrets) {
            if (s.length() >= Plan.MASK_MIN) {
                byPrefix.computeIfAbsent(key(s, 0), x -> new ArrayList<>()).add(s);
                first[s.charAt(0)] = true;
                quad[hash(s, 0)] = true;
            }
        }
        StringBuilder firsts = new StringBuilder();
        for (int c = 0; c < first.length; c++) {
            if (first[c]) {
                firsts.append((char) c);
            }
        }
        firstChars = firsts.toString();
        prefixes = byPrefix.size() <= MAX_PREFIXES
                ? byPrefix.values().stream().map(l -> l.get(0).substring(0, 4)).sorted().toArray(String[]::new)
                : null;
        byPrefix.values().forEach(l -> l.sort(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder())));
    }

    /** The masker of the secret set last asked for: every plan of one facade has the same set. */
    private static final java.util.concurrent.atomic.AtomicReference<Masker> LAST =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** Large shared file contents, as {@link RenderedPlan} shows them, by spec (whose content array is compared by identity). */
    private final Map<Same, String> shown = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int SHOWN_MIN_CHARS = 1024;
    private static final int SHOWN_MAX = 256;
    private final Set<String> source;
    /** The distinct first characters of the secrets: with few, String.indexOf (vectorised) finds candidates. */
    private final String firstChars;
    /**
     * The distinct four-character prefixes of the secrets when there are few (null otherwise):
     * then {@code String.indexOf(prefix)} (vectorised) jumps straight to the only positions where a
     * secret can start, instead of stopping at every occurrence of a common first letter
     * ({@code D} of {@code DBUser}, {@code E} and {@code P} all over SQL) and hashing four characters there.
     */
    private final String[] prefixes;
    private static final int MAX_PREFIXES = 8;

    /**
     * @param secrets every secret of the inventory
     * @return a masker of them; the same one as last time for the same set (by identity), since
     *         building it per plan, from every secret of a large inventory, made planning quadratic
     */
    static Masker of(Set<String> secrets) {
        Masker m = LAST.get();
        if (m == null || m.source != secrets) {
            m = new Masker(secrets);
            LAST.set(m);
        }
        return m;
    }

    /**
     * @param f a file spec of a plan
     * @return its content as {@link RenderedPlan} shows it when a plan of this masker already showed
     *         it and it is a large non-secret file that many plans share (the exporter's collectors);
     *         null otherwise
     */
    String shown(io.pigsty.api.exec.FileSpec f) {
        return f.secret() ? null : shown.get(new Same(f));
    }

    /**
     * @param f a file spec of a plan
     * @param s its content as {@link RenderedPlan} shows it, kept for the next plans when large and not secret
     */
    void shown(io.pigsty.api.exec.FileSpec f, String s) {
        // bounded: only a few large files are shared between plans; the spec is immutable
        if (keeps(f, s.length())) {
            shown.putIfAbsent(new Same(f), s);
        }
    }

    /**
     * @param f     a file spec of a plan
     * @param chars the length of its shown content
     * @return whether {@link #shown(io.pigsty.api.exec.FileSpec, String)} would keep it (asked first, so
     *         that the text is not cut out of the plan for nothing)
     */
    boolean keeps(io.pigsty.api.exec.FileSpec f, int chars) {
        return !f.secret() && chars >= SHOWN_MIN_CHARS && shown.size() < SHOWN_MAX;
    }

    /** A key by identity: comparing specs by content would read the whole content at every lookup. */
    private record Same(Object o) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Same s && s.o == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(o);
        }
    }

    /** @return the four characters of {@code text} from {@code i} as one key (every secret has at least {@link Plan#MASK_MIN}) */
    private static long key(String text, int i) {
        return ((long) text.charAt(i) << 48) | ((long) text.charAt(i + 1) << 32) | ((long) text.charAt(i + 2) << 16)
                | text.charAt(i + 3);
    }

    private static int hash(String text, int i) {
        int h = ((text.charAt(i) * 31 + text.charAt(i + 1)) * 31 + text.charAt(i + 2)) * 31 + text.charAt(i + 3);
        return (h ^ (h >>> 16)) & (QUAD_SIZE - 1);
    }

    /**
     * @param text any text
     * @return the text with every secret masked
     */
    String mask(String text) {
        if (byPrefix.isEmpty() || text.length() < Plan.MASK_MIN) {
            return text;
        }
        return prefixes != null ? maskByPrefix(text) : maskScanning(text);
    }

    /** {@link #mask(String)} stopping at every character that starts some secret; for any number of secrets. */
    String maskScanning(String text) {
        if (byPrefix.isEmpty() || text.length() < Plan.MASK_MIN) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        int last = text.length() - Plan.MASK_MIN;
        boolean few = firstChars.length() <= 8;
        int[] next = few ? new int[firstChars.length()] : null;
        if (few) {
            for (int k = 0; k < next.length; k++) {
                next[k] = text.indexOf(firstChars.charAt(k));
            }
        }
        for (int i = 0; i <= last; i++) {
            if (few) {
                // jump to the nearest position holding the first character of some secret
                int min = Integer.MAX_VALUE;
                for (int k = 0; k < next.length; k++) {
                    if (next[k] >= 0 && next[k] < i) {
                        next[k] = text.indexOf(firstChars.charAt(k), i);
                    }
                    if (next[k] >= 0 && next[k] < min) {
                        min = next[k];
                    }
                }
                if (min > last) {
                    break;
                }
                i = min;
            }
            char c = text.charAt(i);
            if (!first[c] || !quad[hash(text, i)]) {
                continue;
            }
            List<String> candidates = byPrefix.get(key(text, i));
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

    /**
     * {@link #mask(String)} when the secrets have few distinct prefixes: the same positions are tried in
     * the same order (exactly those where some secret's first four characters occur), so the result is
     * the same.
     */
    String maskByPrefix(String text) {
        if (prefixes == null || text.length() < Plan.MASK_MIN) {
            return prefixes == null ? maskScanning(text) : text;
        }
        StringBuilder out = null;
        int copied = 0;
        int last = text.length() - Plan.MASK_MIN;
        int[] next = new int[prefixes.length];
        for (int k = 0; k < next.length; k++) {
            next[k] = text.indexOf(prefixes[k]);
        }
        int i = 0;
        while (true) {
            int min = Integer.MAX_VALUE;
            for (int k = 0; k < next.length; k++) {
                if (next[k] >= 0 && next[k] < i) {
                    next[k] = text.indexOf(prefixes[k], i);
                }
                if (next[k] >= 0 && next[k] < min) {
                    min = next[k];
                }
            }
            if (min > last) {
                break;
            }
            i = min;
            boolean matched = false;
            for (String s : byPrefix.get(key(text, i))) {
                if (text.startsWith(s, i)) {
                    if (out == null) {
                        out = new StringBuilder(text.length());
                    }
                    out.append(text, copied, i).append(MASK);
                    i += s.length();
                    copied = i;
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                i++;
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }
}
