package io.pigsty.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.quote.SqlQuote;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile names and values stay one token: the only special character inside quotes is doubled. */
class SqlQuoteTest {
    private static final List<String> HOSTILE = List.of("plain", "it's", "a\"b", "x'; DROP TABLE t; --", "$(id)",
            "line\nbreak", "back\\slash", "ünï©ødé 🐘", "$$dollar$$", "E'\\x00'", "\"", "'");

    @Test
    void identifiersAndLiterals_areQuotedAndUnquoteToTheOriginal() {
        for (String s : HOSTILE) {
            String id = SqlQuote.identifier(s);
            assertThat(id).startsWith("\"").endsWith("\"");
            String inner = id.substring(1, id.length() - 1);
            assertThat(inner.replace("\"\"", "")).doesNotContain("\"");
            assertThat(inner.replace("\"\"", "\"")).isEqualTo(s);
            String lit = SqlQuote.literal(s);
            String li = lit.substring(1, lit.length() - 1);
            assertThat(lit).startsWith("'").endsWith("'");
            assertThat(li.replace("''", "")).doesNotContain("'");
            assertThat(li.replace("''", "'")).isEqualTo(s);
        }
    }

    @Test
    void nulAndEmptyIdentifiers_areRefused() {
        assertThatThrownBy(() -> SqlQuote.identifier("")).isInstanceOf(io.pigsty.model.InvalidValueException.class);
        assertThatThrownBy(() -> SqlQuote.identifier("a\0b")).isInstanceOf(io.pigsty.model.InvalidValueException.class);
        assertThatThrownBy(() -> SqlQuote.literal("a\0b")).isInstanceOf(io.pigsty.model.InvalidValueException.class);
    }
}
