package io.pigsty.examples;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.model.Inventory;
import io.pigsty.model.InventoryParseException;
import io.pigsty.model.PgCluster;
import io.pigsty.model.Severity;
import io.pigsty.model.Violation;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pigsty inventory compatibility report: for every {@code *.yml} under a directory (Pigsty's own
 * {@code conf/}, say), whether it loads, validates, survives a round trip and plans
 * ({@code pgsql} for every cluster, rendered offline), with the reason for each refusal.
 *
 * <pre>java -cp ... io.pigsty.examples.PigstyConfCompat path/to/conf</pre>
 */
public final class PigstyConfCompat {
    /** Reasons shown per file; the rest are counted. */
    static final int MAX_REASONS = 4;

    private PigstyConfCompat() {
    }

    /** One CA for every file of a report: generating a key per file would only slow it. */
    private static final java.util.function.Supplier<Pki> REPORT_CA = new java.util.function.Supplier<>() {
        private Pki pki;

        @Override
        public synchronized Pki get() {
            if (pki == null) {
                pki = Pki.create(CaSpec.pigstyDefault());
            }
            return pki;
        }
    };

    /**
     * The outcome for one file.
     *
     * @param file      the file, relative to the directory
     * @param loads     parsed as Pigsty's layout
     * @param validates no validation error
     * @param roundTrip written and read back equal
     * @param plans     every cluster's pgsql plan renders
     * @param clusters  clusters planned
     * @param reasons   why a stage refused (validation errors, the parse error, a planning error)
     */
    public record Outcome(String file, boolean loads, boolean validates, boolean roundTrip, boolean plans, int clusters,
                          List<String> reasons) {
        /** @return one report line */
        public String line() {
            String head = String.format("%-26s loads=%s validates=%s round-trips=%s plans=%s", file, yn(loads), yn(validates),
                    yn(roundTrip), plans ? "yes(" + clusters + ")" : "no");
            List<String> shown = reasons.size() <= MAX_REASONS ? reasons : new ArrayList<>(reasons.subList(0, MAX_REASONS));
            if (shown.size() < reasons.size()) {
                shown.add("(" + (reasons.size() - MAX_REASONS) + " more)");
            }
            return reasons.isEmpty() ? head : head + "\n" + shown.stream().map(r -> "    - " + r).collect(Collectors.joining("\n"));
        }

        private static String yn(boolean b) {
            return b ? "yes" : "NO";
        }
    }

    /**
     * @param name display name
     * @param text inventory text
     * @return what the SDK makes of it
     */
    public static Outcome check(String name, String text) {
        List<String> reasons = new ArrayList<>();
        Inventory inv;
        try {
            inv = Inventory.parseUnvalidated(text, name);
        } catch (InventoryParseException e) {
            return new Outcome(name, false, false, false, false, 0, List.of("parse: " + e.getMessage()));
        }
        boolean roundTrip;
        try {
            roundTrip = Inventory.parseUnvalidated(inv.toYaml(), name + "(written)").equals(inv);
            if (!roundTrip) {
                reasons.add("round trip: the written inventory reads back different");
            }
        } catch (RuntimeException e) {
            roundTrip = false;
            reasons.add("round trip: " + e.getMessage());
        }
        List<Violation> errors = inv.validate().violations().stream().filter(v -> v.severity() == Severity.ERROR).toList();
        errors.forEach(v -> reasons.add(v.path() + ": " + v.reason()));
        boolean validates = errors.isEmpty();
        boolean plans = false;
        int clusters = 0;
        if (validates) {
            plans = true;
            // with a CA made in memory for the report, as `pigsty --pki` gives one: TLS inventories (hostssl rules,
            // PgBouncer TLS, Patroni over HTTPS) plan as they would deploy, instead of being refused for want of it
            Pigsty pigsty = Pigsty.builder().inventory(inv).module(new PkiModule(REPORT_CA.get())).build();
            for (PgCluster c : inv.clusters()) {
                try {
                    pigsty.plan(Playbook.pgsqlCreate(c.name())).render();
                    clusters++;
                } catch (RuntimeException e) {
                    plans = false;
                    reasons.add("plan pgsql " + c.name() + ": " + e.getMessage());
                }
            }
        }
        return new Outcome(name, true, validates, roundTrip, plans, clusters, reasons);
    }

    /**
     * @param dir a directory of inventories
     * @return one outcome per {@code *.yml}, sorted by path
     * @throws IOException when the directory cannot be read
     */
    public static List<Outcome> checkAll(Path dir) throws IOException {
        List<Outcome> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                out.add(check(dir.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /**
     * @param args the directory
     * @throws IOException when it cannot be read
     */
    public static void main(String[] args) throws IOException {
        PrintStream o = System.out;
        if (args.length != 1) {
            System.err.println("usage: PigstyConfCompat <directory of Pigsty inventories>");
            System.exit(2);
        }
        List<Outcome> all = checkAll(Path.of(args[0]));
        all.forEach(x -> o.println(x.line()));
        long plans = all.stream().filter(Outcome::plans).count();
        o.printf("%d files: %d plan, %d refused, %d do not load, %d do not round-trip%n", all.size(), plans,
                all.stream().filter(x -> x.loads() && !x.plans()).count(), all.stream().filter(x -> !x.loads()).count(),
                all.stream().filter(x -> x.loads() && !x.roundTrip()).count());
    }
}
