package io.pigsty.api.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two ways {@link Masker} finds secrets (by few prefixes, by scanning) give the same text. */
class MaskerTest {
    @Test
    void masksLongestSecretFirstAndNothingShorterThanTheMinimum() {
        Masker m = new Masker(Set.of("DBUser.DBA", "DBUser.DBA.Long", "Patroni.API", "pigsty"));
        String text = "a DBUser.DBA.Long b DBUser.DBA c pigsty DBUser.DB Patroni.API";
        assertThat(m.mask(text)).isEqualTo("a ****** b ****** c pigsty DBUser.DB ******");
        assertThat(m.maskScanning(text)).isEqualTo(m.mask(text));
        assertThat(m.maskByPrefix(text)).isEqualTo(m.mask(text));
        assertThat(m.mask("DBUser.DBADBUser.DBA")).isEqualTo("************");
        assertThat(m.mask("xx DBUs")).isEqualTo("xx DBUs");
    }

    @Test
    void prefixSearchAgreesWithScanningOnRandomTexts() {
        Random r = new Random(42);
        for (int round = 0; round < 200; round++) {
            Set<String> secrets = new LinkedHashSet<>();
            int prefixes = 1 + r.nextInt(round % 2 == 0 ? 8 : 40);
            for (int i = 0; i < prefixes; i++) {
                String prefix = word(r, 4);
                for (int j = 0; j <= r.nextInt(3); j++) {
                    secrets.add(prefix + word(r, 4 + r.nextInt(6)));
                }
            }
            Masker m = new Masker(secrets);
            List<String> pieces = List.copyOf(secrets);
            for (int t = 0; t < 20; t++) {
                StringBuilder text = new StringBuilder();
                while (text.length() < r.nextInt(400)) {
                    String s = pieces.get(r.nextInt(pieces.size()));
                    switch (r.nextInt(4)) {
                        case 0 -> text.append(s);
                        case 1 -> text.append(s, 0, 4 + r.nextInt(s.length() - 4));
                        default -> text.append(word(r, 1 + r.nextInt(5)));
                    }
                }
                String s = text.toString();
                assertThat(m.maskByPrefix(s)).as("secrets %s, text %s", secrets, s).isEqualTo(m.maskScanning(s));
            }
        }
    }

    private static String word(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("abAB.D1 ".charAt(r.nextInt(8)));
        }
        return b.toString();
    }
}
