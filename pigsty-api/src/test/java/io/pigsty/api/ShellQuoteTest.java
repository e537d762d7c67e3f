package io.pigsty.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import io.pigsty.api.quote.ShellQuote;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile words survive a real /bin/sh unchanged, as one argument each. */
class ShellQuoteTest {
    private static final List<String> HOSTILE = List.of("plain", "", "two words", "it's", "\"dq\"", "a;b", "$(id)",
            "`id`", "$HOME", "a\nb", "back\\slash", "*", "--opt=1", "'", "''", "ünï©ødé 🐘", "tab\there", "a|b&c>d<e",
            "#comment", "~root", "!bang");

    @Test
    void quotedWords_reachTheProgramUnchanged() {
        List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
        argv.addAll(HOSTILE);
        ExecResult r = new LocalExecutor().run(Host.of("localhost"), Command.shell(ShellQuote.join(argv)).build());
        assertThat(r.exitCode()).isZero();
        String[] got = r.stdout().split("\0", -1);
        assertThat(List.of(got).subList(0, HOSTILE.size())).containsExactlyElementsOf(HOSTILE);
    }

    @Test
    void safeWords_stayReadable_andNulIsRefused() {
        assertThat(ShellQuote.quote("/etc/patroni/patroni.yml")).isEqualTo("/etc/patroni/patroni.yml");
        assertThat(ShellQuote.quote("a b")).isEqualTo("'a b'");
        assertThatThrownBy(() -> ShellQuote.quote("a\0b")).isInstanceOf(io.pigsty.model.InvalidValueException.class);
    }

    @Test
    void join_isEveryWordQuotedAndJoinedBySpaces() {
        java.util.Random r = new java.util.Random(3);
        String alphabet = "ab/=-'\" $\n\\";
        for (int i = 0; i < 5_000; i++) {
            List<String> words = new ArrayList<>();
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                StringBuilder w = new StringBuilder();
                for (int k = r.nextInt(8); k > 0; k--) {
                    w.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                words.add(w.toString());
            }
            assertThat(ShellQuote.join(words)).isEqualTo(String.join(" ", words.stream().map(ShellQuote::quote).toList()));
        }
        assertThatThrownBy(() -> ShellQuote.join(List.of("a", "b\0"))).hasMessageContaining("NUL");
    }
}
