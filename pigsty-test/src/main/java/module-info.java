/** The vendor test kit: the strict {@code DryRunExecutor} and {@code PlanAssert}. */
module io.pigsty.test {
    requires transitive io.pigsty.api;
    requires transitive org.assertj.core;

    exports io.pigsty.test;
}
