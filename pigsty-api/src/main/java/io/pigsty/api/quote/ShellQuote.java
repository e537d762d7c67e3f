package io.pigsty.api.quote;

import java.util.List;
import java.util.Objects;

/**
 * The one place where shell words are quoted. Nothing else in the SDK builds a shell command
 * line by concatenating untrusted text.
 *
 * <p>Words made only of safe characters are left as they are (so rendered plans stay readable);
 * everything else is wrapped in single quotes, with embedded single quotes written as
 * {@code '\''}. Inside single quotes POSIX shells interpret nothing: no {@code $(...)}, no
 * backticks, no globbing, and newlines are literal.
 */
public final class ShellQuote {
    /** The characters a word may hold unquoted: {@code [A-Za-z0-9_@%+=:,./-]}. */
    private static final boolean[] SAFE = new boolean[128];

    static {
        for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-".toCharArray()) {
            SAFE[c] = true;
        }
    }

    private ShellQuote() {
    }

    /**
     * Quotes one word for a POSIX shell.
     *
     * @param word any text, including empty; must not contain NUL, which no shell argument can hold
     * @return the word, quoted so that the shell passes it through unchanged as one argument
     * @throws io.pigsty.model.InvalidValueException if the word contains a NUL character
     */
    public static String quote(String word) {
        Objects.requireNonNull(word, "word");
        if (word.indexOf('\0') >= 0) {
            throw new io.pigsty.model.InvalidValueException("word", null, "a shell word cannot contain NUL");
        }
        if (!word.isEmpty() && safe(word)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    // a loop, not a regex: plans quote every word of every command, scripts of kilobytes included
    private static boolean safe(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c >= 128 || !SAFE[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Quotes every word and joins them with single spaces: an argv turned into a command line.
     *
     * @param argv the words
     * @return a command line a POSIX shell splits back into exactly {@code argv}
     */
    public static String join(List<String> argv) {
        // a loop, not a stream: every command of every plan is joined, and sh -c scripts are kilobytes long
        if (argv.size() == 1) {
            return quote(argv.get(0));
        }
        int length = 0;
        for (String w : argv) {
            length += w.length() + 3;
        }
        // each word quoted straight into one presized builder: sh -c scripts of kilobytes were copied four times
        StringBuilder sb = new StringBuilder(length + 16);
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            quoteInto(sb, argv.get(i));
        }
        return sb.toString();
    }

    /** Appends {@link #quote(String)} of the word. */
    private static void quoteInto(StringBuilder sb, String word) {
        Objects.requireNonNull(word, "word");
        if (word.indexOf('\0') >= 0) {
            throw new io.pigsty.model.InvalidValueException("word", null, "a shell word cannot contain NUL");
        }
        if (!word.isEmpty() && safe(word)) {
            sb.append(word);
            return;
        }
        sb.append('\'');
        int from = 0;
        for (int q = word.indexOf('\'', from); q >= 0; q = word.indexOf('\'', from)) {
            sb.append(word, from, q).append("'\\''");
            from = q + 1;
        }
        sb.append(word, from, word.length()).append('\'');
    }
}
