package io.pigsty.it;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.test.PlanAssert;
import io.pigsty.api.plan.ApplyResult;
import io.pigsty.api.plan.ConsoleProgressListener;
import io.pigsty.api.plan.Plan;
import io.pigsty.ha.ops.ClusterOperations;
import io.pigsty.ha.ops.MemberStatus;
import io.pigsty.model.DebianRelease;
import io.pigsty.model.Inventory;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import io.pigsty.sandbox.Sandbox;
import io.pigsty.sandbox.SandboxNode;
import io.pigsty.ssh.SshExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The one deployed sandbox every IT class of this module shares: six systemd-nspawn nodes
 * ({@code 10.213.0.10}-{@code .15}, {@link #NODES}) with {@code it-sandbox.yml} applied to the first four (node, etcd with three
 * members, pg-meta, pg-test with {@code pg_rpo: 0} and {@code pg_rto: fast}). It is deployed
 * lazily by the first class that asks ({@link #get()}, or {@link SharedSandboxExtension} through
 * {@link UsesSharedSandbox}) and brought down once at the end of the JVM (the JUnit root store
 * closes it; a shutdown hook covers an interrupted run), unless {@code -Dpigsty.sandbox.keep=true}.
 *
 * <p>A class that changes the deployment must leave it as it found it, or run late (see
 * {@link ItOrder}); fault classes bring the cluster back to a healthy baseline before each test.
 */
public final class SharedSandbox implements AutoCloseable {
    /**
     * Nodes of the sandbox: 10.213.0.10-.13 carry the inventory; .14 is the spare for the clone of
     * {@link BackupIT}, .15 the spare for {@code PreflightSandboxIT}'s own cluster, and .16-.17
     * ({@link #DEBIAN13_NODES}) boot Debian 13 for {@code VersionsSandboxIT}'s PostgreSQL 17 cluster.
     */
    public static final int NODES = 8;
    /** The 0-based indexes of the nodes that boot the Debian 13 template (10.213.0.16 and .17). */
    public static final List<Integer> DEBIAN13_NODES = List.of(6, 7);
    /** The inventory file on the test classpath. */
    public static final String INVENTORY = "/it-sandbox.yml";
    /** Playbooks of the shared deployment, in order. */
    public static final List<Playbook> DEPLOY = List.of(Playbook.node("pg-meta"), Playbook.node("pg-test"), Playbook.etcd(),
            Playbook.infra(), Playbook.pgsqlCreate("pg-meta"), Playbook.pgsqlCreate("pg-test"));
    /** The admin user of every cluster of the inventory. */
    public static final String DBA = "dbuser_dba";
    /** Its sandbox password (the inventory is for the sandbox only). */
    public static final String DBA_PASSWORD = "DBUser.DBA";

    private static SharedSandbox instance;
    private static Pki pki;
    private static io.pigsty.pki.IssuedCertificate etcdClientCert;
    private static RuntimeException failure;

    private final Inventory inventory;
    private final Pigsty pigsty;
    private final Sandbox sandbox;
    private final SshExecutor executor;
    private final List<ApplyResult> deployResults;
    private final Duration deployTime;
    private boolean closed;

    private SharedSandbox(Inventory inventory, Sandbox sandbox, SshExecutor executor, List<ApplyResult> results, Duration took) {
        this.inventory = inventory;
        this.pigsty = pigstyFor(inventory);
        this.sandbox = sandbox;
        this.executor = executor;
        this.deployResults = List.copyOf(results);
        this.deployTime = took;
    }

    /**
     * The shared deployment, deployed on first use. A failed deployment is remembered: every later
     * caller gets the same failure at once instead of deploying again.
     *
     * @return the deployed sandbox
     */
    public static synchronized SharedSandbox get() {
        if (instance != null) {
            return instance;
        }
        if (failure != null) {
            throw new IllegalStateException("the shared sandbox deployment failed earlier in this run: " + failure.getMessage(),
                    failure);
        }
        try {
            instance = deploy();
            SharedSandbox s = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "shared-sandbox-down"));
            return instance;
        } catch (RuntimeException | AssertionError e) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
            throw e;
        }
    }

    /**
     * @return the sandbox deployment's CA ({@link Sandbox#PKI_DIR}), made on first use and kept
     *         across runs, as {@code ./pigsty sandbox up} keeps it
     */
    public static synchronized Pki pki() {
        if (pki == null) {
            pki = Pki.createOrLoad(Sandbox.PKI_DIR, CaSpec.pigstyDefault());
        }
        return pki;
    }

    /**
     * @return a client certificate of the sandbox's CA for the tests' own etcd clients: etcd demands
     *         one of every client, and one without a CN on its JSON gateway, which EtcdClient speaks
     */
    public static synchronized io.pigsty.pki.IssuedCertificate etcdClientCertificate() {
        if (etcdClientCert == null) {
            etcdClientCert = pki().issue(io.pigsty.pki.CertRequest.builder("").dns("pigsty-it").usages(io.pigsty.pki.CertUsage.CLIENT).build());
        }
        return etcdClientCert;
    }

    /**
     * @param client an etcd client of the sandbox
     * @return it trusting the sandbox's CA and showing {@link #etcdClientCertificate()}
     */
    public static io.pigsty.ha.ops.EtcdClient tls(io.pigsty.ha.ops.EtcdClient client) {
        io.pigsty.pki.IssuedCertificate c = etcdClientCertificate();
        return client.trusting(pki().caCertificatePem(), c.certificatePem(), c.privateKeyPem());
    }

    /**
     * Every plan against the sandbox must come from here: a {@link Pigsty} without the PKI module
     * would render the clusters without TLS, and applying that would turn TLS off under every
     * later test.
     *
     * @param inventory an inventory of the sandbox
     * @return a {@link Pigsty} over it with the sandbox's PKI (TLS on PostgreSQL and etcd)
     */
    public static Pigsty pigstyFor(Inventory inventory) {
        return Pigsty.builder().inventory(inventory).module(new PkiModule(pki())).build();
    }

    /** @return the inventory of {@link #INVENTORY} */
    public static Inventory loadInventory() {
        return Inventory.parse(inventoryText(), INVENTORY.substring(1));
    }

    /** @return the text of {@link #INVENTORY}, for classes that write their own inventory from it */
    public static String inventoryText() {
        try (InputStream in = SharedSandbox.class.getResourceAsStream(INVENTORY)) {
            if (in == null) {
                throw new IllegalStateException(INVENTORY + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param inventoryText an inventory in the layout of {@link #INVENTORY}
     * @param group         one more group of {@code all.children}, indented as the file's groups (4 spaces)
     * @return the inventory with that group after the others
     */
    public static String withGroup(String inventoryText, String group) {
        String globalVars = "\n  vars:\n";
        if (!inventoryText.contains(globalVars) || !group.startsWith("    ") || group.startsWith("     ")) {
            throw new IllegalArgumentException("expected all.vars at 2 spaces and a group at 4 spaces");
        }
        return inventoryText.replace(globalVars, "\n" + (group.endsWith("\n") ? group : group + "\n") + "  vars:\n");
    }

    /**
     * The inventory with pg-test's roles as they are now: classes that ran earlier (SandboxDeployIT's
     * switchover, BackupIT's failover) may have moved the leader, and a DBA writes the live roles.
     *
     * @param inventoryText an inventory in the layout of {@link #INVENTORY}
     * @param leaderIp      pg-test's leader now ({@link #primaryIp(String)})
     * @return the text with that member primary and the others replicas
     */
    public static String withLiveRoles(String inventoryText, String leaderIp) {
        String y = inventoryText;
        for (String ip : List.of("10.213.0.11", "10.213.0.12", "10.213.0.13")) {
            String role = ip.equals(leaderIp) ? "primary" : "replica";
            y = y.replaceAll("(        " + java.util.regex.Pattern.quote(ip) + ": \\{ pg_seq: \\d, pg_role: )(primary|replica)", "$1" + role);
        }
        if (!y.contains(leaderIp + ": { pg_seq: ")) {
            throw new IllegalArgumentException("no member " + leaderIp + " in the inventory");
        }
        return y;
    }

    private static SharedSandbox deploy() {
        long t0 = System.nanoTime();
        Inventory inv = loadInventory();
        Sandbox.Builder sb = Sandbox.builder().nodes(NODES).progress(System.out::println);
        DEBIAN13_NODES.forEach(i -> sb.nodeOs(i, DebianRelease.DEBIAN13));
        Sandbox sandbox = sb.build().up();
        SshExecutor ex = sandbox.executor();
        Pigsty pigsty = pigstyFor(inv);
        List<ApplyResult> results = new ArrayList<>();
        for (Playbook pb : DEPLOY) {
            results.add(applyChecked(pigsty.plan(pb), ex));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("shared sandbox: deployed %s in %.1f s%n", DEPLOY.stream().map(p -> p.name() + p.cluster().map(c -> " " + c).orElse("")).toList(),
                took.toMillis() / 1000.0);
        return new SharedSandbox(inv, sandbox, ex, results, took);
    }

    static ApplyResult applyChecked(Plan plan, io.pigsty.api.exec.Executor ex) {
        ApplyResult r = plan.apply(ex, new ConsoleProgressListener(System.out));
        PlanAssert.assertThat(r).hasNoFailures();
        return r;
    }

    /** @return the deployed inventory */
    public Inventory inventory() {
        return inventory;
    }

    /** @return a {@link Pigsty} over {@link #inventory()} */
    public Pigsty pigsty() {
        return pigsty;
    }

    /** @return the sandbox (nodes, fault handles) */
    public Sandbox sandbox() {
        return sandbox;
    }

    /** @return the SSH executor for the nodes (root, sandbox key), shared: do not close it */
    public SshExecutor executor() {
        return executor;
    }

    /** @return every node */
    public List<SandboxNode> nodes() {
        return sandbox.nodes();
    }

    /**
     * @param ip a node's address
     * @return that node
     */
    public SandboxNode node(String ip) {
        return sandbox.nodes().stream().filter(n -> n.ip().equals(ip)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no sandbox node has address " + ip));
    }

    /** @return the results of the deployment's playbooks, in {@link #DEPLOY} order */
    public List<ApplyResult> deployResults() {
        return deployResults;
    }

    /** @return how long bringing the sandbox up and deploying took */
    public Duration deployTime() {
        return deployTime;
    }

    /**
     * Applies a playbook with this deployment's inventory and asserts it had no failure.
     *
     * @param playbook the playbook
     * @return its result
     */
    public ApplyResult apply(Playbook playbook) {
        return applyChecked(pigsty.plan(playbook), executor);
    }

    /**
     * @param cluster cluster name
     * @return day-2 operations on it (150 s operation timeout)
     */
    public ClusterOperations ops(String cluster) {
        return ops(inventory, cluster);
    }

    /**
     * @param inventory an inventory of the sandbox
     * @param cluster   cluster name
     * @return day-2 operations on it (150 s operation timeout), trusting the sandbox's CA for members
     *         that serve their REST API over HTTPS ({@code patroni_ssl_enabled})
     */
    public static ClusterOperations ops(Inventory inventory, String cluster) {
        return ClusterOperations.builder(inventory, cluster).caCertificates(pki().caCertificatePem())
                .timeout(Duration.ofSeconds(150)).build();
    }

    /**
     * @param cluster cluster name
     * @return the address of its live primary, waiting up to 60 s for Patroni to name one
     */
    public String primaryIp(String cluster) {
        ClusterOperations ops = ops(cluster);
        String[] ip = new String[1];
        await(cluster + " has a running leader", Duration.ofSeconds(60), () -> {
            ip[0] = ops.status().leader().filter(m -> m.state().equals("running")).map(MemberStatus::host).orElse(null);
            return ip[0] != null;
        });
        return ip[0];
    }

    /**
     * A JDBC connection as an application makes one: simple query mode (PgBouncer pools
     * transactions), no TLS, a 5 s connect and a 20 s socket timeout.
     *
     * @param host     address
     * @param port     port (5432 PostgreSQL, 6432 PgBouncer, 5433-5438 HAProxy services)
     * @param user     user
     * @param password password
     * @param db       database
     * @return an open connection
     * @throws SQLException when it cannot connect
     */
    public static Connection connect(String host, int port, String user, String password, String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "10");
        p.setProperty("socketTimeout", "20");
        p.setProperty("sslmode", "disable");
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, p);
    }

    /**
     * @param host address
     * @param port port
     * @param db   database
     * @return a connection as {@link #DBA}
     * @throws SQLException when it cannot connect
     */
    public static Connection connectDba(String host, int port, String db) throws SQLException {
        return connect(host, port, DBA, DBA_PASSWORD, db);
    }

    /**
     * @param c   connection
     * @param sql a query
     * @return the first column of its first row
     * @throws SQLException when it fails
     */
    public static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getString(1);
        }
    }

    /**
     * Waits, bounded by time, until {@code condition} holds; an exception from it counts as "not
     * yet". Asks every 250 ms.
     *
     * @param what      what is waited for, in words (shown in the failure and the log)
     * @param timeout   how long at most
     * @param condition the check
     * @return how long it took
     * @throws AssertionError naming {@code what}, the timeout and the last exception, when it never held
     */
    public static Duration await(String what, Duration timeout, Callable<Boolean> condition) {
        return await(what, timeout, Duration.ofMillis(250), condition);
    }

    /**
     * As {@link #await(String, Duration, Callable)}, asking every {@code every}.
     *
     * @param what      what is waited for
     * @param timeout   how long at most
     * @param every     pause between two checks
     * @param condition the check
     * @return how long it took
     */
    public static Duration await(String what, Duration timeout, Duration every, Callable<Boolean> condition) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        Throwable last = null;
        int tries = 0;
        while (true) {
            tries++;
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    if (took.toMillis() > 1000) {
                        System.out.printf("await: %s after %.1f s%n", what, took.toMillis() / 1000.0);
                    }
                    return took;
                }
                last = null;
            } catch (Exception | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s (" + tries + " checks) waiting for: "
                        + what + (last == null ? "" : "; last error: " + last), last);
            }
            sleep(every.toMillis());
        }
    }

    /** @param ms how long to pause */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Brings the sandbox down (once), unless {@code -Dpigsty.sandbox.keep=true}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.close();
        if (Boolean.getBoolean("pigsty.sandbox.keep")) {
            System.out.println("shared sandbox: kept running (-Dpigsty.sandbox.keep=true); ./pigsty sandbox down removes it");
        } else {
            sandbox.down();
            System.out.println("shared sandbox: down");
        }
    }
}
