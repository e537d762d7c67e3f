package io.pigsty.api.pgsql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The loop that checks HBA words accepts exactly what {@link HbaRules#HBA_WORD} matches. */
class HbaWordTest {
    @Test
    void loopAgreesWithThePattern() {
        for (String w : new String[] {"", "+", "++a", "+a", "a", "dbuser_dba", "all", "replication", "a b", "a#b",
                "'x'", "$x@y.z-1", "é", "a\n", "+dbrole_readonly", "a+b"}) {
            assertThat(HbaRules.hbaWord(w)).as(w).isEqualTo(HbaRules.HBA_WORD.matcher(w).matches());
        }
        Random r = new Random(7);
        String alphabet = "+aZ09_.$@- #'\"\t\né";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = r.nextInt(6); n > 0; n--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String w = b.toString();
            assertThat(HbaRules.hbaWord(w)).as(w).isEqualTo(HbaRules.HBA_WORD.matcher(w).matches());
        }
    }
}
