package io.pigsty.examples;

import io.pigsty.ha.ops.ClusterOperations;
import io.pigsty.ha.ops.ClusterStatus;
import io.pigsty.ha.ops.OperationRefusedException;
import io.pigsty.ha.ops.OperationResult;
import io.pigsty.model.Inventory;
import io.pigsty.pki.Pki;
import io.pigsty.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What a vendor's maintenance button does: show the cluster, move the primary to another member
 * (or let Patroni pick the best one), show the cluster again. A refused switchover (no healthy
 * candidate, a lagging one, a non-synchronous one under {@code pg_rpo: 0}) prints why and
 * changes nothing.
 *
 * <pre>{@code
 * java -cp examples/target/pigsty-cli.jar io.pigsty.examples.VendorSwitchover pg-test [pg-test-2]
 * }</pre>
 */
public final class VendorSwitchover {
    private VendorSwitchover() {
    }

    /**
     * @param args cluster name, then optionally the candidate member
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: VendorSwitchover CLUSTER [CANDIDATE]");
            System.exit(2);
        }
        ClusterOperations.Builder b = ClusterOperations.builder(Inventory.sample("sandbox"), args[0]).timeout(Duration.ofSeconds(90));
        // members with patroni_ssl_enabled serve certificates of the deployment's CA: the sandbox's, once it was made
        Path ca = Sandbox.PKI_DIR.resolve(Pki.CA_CERT);
        if (Files.exists(ca)) {
            try {
                b.caCertificates(Files.readString(ca));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        System.exit(run(b.build(), Optional.ofNullable(args.length > 1 ? args[1] : null), System.out));
    }

    /**
     * @param ops       operations on the cluster (built with the deployment's CA when it serves HTTPS)
     * @param candidate the member to promote, empty for Patroni's choice
     * @param out       where the before/after tables go
     * @return 0 when the switchover completed, 1 when it was refused
     */
    public static int run(ClusterOperations ops, Optional<String> candidate, PrintStream out) {
        ClusterStatus before = ops.status();
        out.println("before:");
        out.print(before.toTable());
        try {
            OperationResult r = ops.switchover(candidate);
            out.println("after (" + r.elapsed().toMillis() + " ms):");
            out.print(r.after().toTable());
            r.observations().forEach(o -> out.println("  " + o));
            return 0;
        } catch (OperationRefusedException e) {
            out.println(e.getMessage());
            return 1;
        }
    }
}
