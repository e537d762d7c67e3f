package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random valid models survive YAML and JSON unchanged; random garbage never escapes as another exception. */
class RoundTripProperties {

    @Property(tries = 200)
    void validModel_roundTripsThroughYamlAndJson(@ForAll("inventories") Inventory inv) {
        assertThat(inv.validate().errors()).isEmpty();
        Inventory yaml = Inventory.parse(inv.toYaml(), "prop");
        assertThat(yaml).isEqualTo(inv);
        Inventory json = Inventory.fromJson(inv.toJson());
        assertThat(json).isEqualTo(inv);
        assertThat(yaml.toYaml()).isEqualTo(inv.toYaml());
    }

    @Property(tries = 500)
    void garbage_neverThrowsAnUndocumentedException(@ForAll("garbage") String text) {
        try {
            Inventory.parse(text, "garbage");
        } catch (InventoryParseException | ValidationException expected) {
            // the two documented outcomes
        }
    }

    @Provide
    Arbitrary<String> garbage() {
        Arbitrary<String> chars = Arbitraries.strings().withChars("all:children vars hosts{}[]-'\"\n\t#&*!|>%@`,?0123456789.pg_seqrole")
                .ofMaxLength(200);
        Arbitrary<String> structured = Combinators.combine(
                Arbitraries.of("all:\n", "all: ", "all:\n  children:\n", "all:\n  children:\n    pg-x:\n      hosts:\n"),
                Arbitraries.strings().withChars("abc: -{}[]\n 0123456789.'\"&*").ofMaxLength(120)).as((a, b) -> a + b);
        return Arbitraries.oneOf(chars, structured, Arbitraries.strings().ofMaxLength(100));
    }

    @Provide
    Arbitrary<Inventory> inventories() {
        Arbitrary<String> clusterName = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
                .map(s -> "pg-" + s);
        Arbitrary<String> userName = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)
                .map(s -> "u_" + s);
        return Combinators.combine(
                clusterName.list().ofMinSize(1).ofMaxSize(4).uniqueElements(),
                Arbitraries.integers().between(1, 5),
                userName.list().ofMaxSize(3).uniqueElements(),
                Arbitraries.of(RtoMode.class),
                Arbitraries.of(PgTuning.class),
                Arbitraries.longs().between(0, 1 << 30),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
                Arbitraries.integers().between(0, 255)).as((names, size, users, rto, tuning, rpo, vendorValue, weight) -> {
                    Inventory.Builder b = Inventory.builder().var("vendor_key", vendorValue)
                            .set(Params.PG_ADMIN_PASSWORD, Secret.of("p" + vendorValue))
                            .etcd(NodeGroup.builder("etcd").node("10.213.0.10", v -> v.set(Params.ETCD_SEQ, 1)).build());
                    int c = 0;
                    for (String name : names) {
                        c++;
                        PgCluster.Builder cb = PgCluster.named(name).rto(rto).tuning(tuning).rpo(rpo)
                                .var("vendor_cluster_key", List.of(vendorValue, 1));
                        for (int i = 1; i <= size; i++) {
                            int seq = i;
                            cb.instance(seq, "10.20." + c + "." + i, i == 1 ? Role.PRIMARY : Role.REPLICA,
                                    ib -> ib.weight(weight).var("vendor_host_key", seq));
                        }
                        List<String> owners = new ArrayList<>();
                        for (String u : users) {
                            cb.user(PgUser.named(u).password("pw-" + u).roles("dbrole_readwrite").pgbouncer(seq(u)));
                            owners.add(u);
                        }
                        if (!owners.isEmpty()) {
                            cb.database(PgDatabase.named("db_" + owners.get(0)).owner(owners.get(0))
                                    .extensions("pg_stat_statements").schemas("app").parameter("work_mem", "64MB"));
                        }
                        if (c % 2 == 0) {
                            cb.vip("10.20." + c + ".250");
                        }
                        b.cluster(cb.build());
                    }
                    return b.build();
                });
    }

    private static boolean seq(String s) {
        return s.length() % 2 == 0;
    }
}
