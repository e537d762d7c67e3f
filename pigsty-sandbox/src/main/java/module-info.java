/** The local multi-node sandbox (network namespaces + systemd-nspawn) and its JUnit extension. */
module io.pigsty.sandbox {
    requires transitive io.pigsty.api;
    requires transitive org.junit.jupiter.api;
    requires io.pigsty.ssh;
    requires org.opentest4j;
    requires org.slf4j;

    exports io.pigsty.sandbox;
}
