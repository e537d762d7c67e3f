package io.pigsty.model;

import java.util.Objects;

/**
 * A host of a non-PostgreSQL group (infra, etcd, plain nodes).
 *
 * @param ip   the host's address (its key in the inventory)
 * @param vars host vars ({@code infra_seq}, {@code etcd_seq}, ...)
 */
public record Node(String ip, Vars vars) {
    /** Canonical constructor: rejects nulls. */
    public Node {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(vars, "vars");
    }
}
