package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's fluent example compiles and runs here, and README.md shows exactly these lines. */
class ReadmeExampleTest {

    @Test
    void readmeExample_buildsAValidInventory() {
        Secret secret = Secret.of("App.Password.1");
        // README-BEGIN
        PgCluster pgTest = PgCluster.named("pg-test")
            .instance(1, "10.213.0.11", Role.PRIMARY)
            .instance(2, "10.213.0.12", Role.REPLICA)
            .instance(3, "10.213.0.13", Role.REPLICA, i -> i.offlineQuery(true))
            .user(PgUser.named("dbuser_app").password(secret).roles("dbrole_readwrite").pgbouncer(true))
            .database(PgDatabase.named("app").owner("dbuser_app").extensions("pg_stat_statements"))
            .vip("10.213.0.3")
            .rto(RtoMode.FAST)
            .build();
        Inventory inventory = Inventory.builder().etcd("10.213.0.10").cluster(pgTest).build();
        inventory.validate().orThrow();   // every problem at once, with its path
        // README-END
        assertThat(inventory.toYaml()).contains("pg_vip_address: 10.213.0.3/24").contains("dbuser_app");
        assertThat(Inventory.parse(inventory.toYaml(), "readme")).isEqualTo(inventory);
    }

    @Test
    void readme_showsTheSameSnippet() throws IOException {
        List<String> test = snippet(Path.of("src/test/java/io/pigsty/model/ReadmeExampleTest.java"));
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        assertThat(test).hasSizeGreaterThan(5);
        assertThat(readme).contains(String.join("\n", test));
    }

    private static List<String> snippet(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("// README-BEGIN") && from < 0) {
                from = i + 1;
            } else if (lines.get(i).strip().equals("// README-END") && to < 0 && from >= 0) {
                to = i;
            }
        }
        int indent = lines.get(from).indexOf(lines.get(from).strip());
        return lines.subList(from, to).stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                .collect(Collectors.toList());
    }
}
