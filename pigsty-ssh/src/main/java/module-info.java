/** The SSH executor on JSch: key auth, known hosts, sudo, atomic file replace, session reuse. */
module io.pigsty.ssh {
    requires transitive io.pigsty.api;
    requires com.jcraft.jsch;
    requires org.slf4j;

    exports io.pigsty.ssh;
}
