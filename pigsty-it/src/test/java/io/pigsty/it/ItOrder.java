package io.pigsty.it;

/**
 * Where an IT class runs among the others on the shared deployment (classes are ordered by
 * {@code @Order} on the class; see {@code junit-platform.properties}). Read-only checks first,
 * then classes that change and restore the deployment, fault injection last. A class without
 * {@code @Order} runs between {@link #CHANGES} and {@link #FAULTS}.
 */
public final class ItOrder {
    /** The deployment itself and what only reads it. */
    public static final int DEPLOY = 100;
    /** Classes that change the deployment and put it back (config changes, users, removal + recreate). */
    public static final int CHANGES = 500;
    /** Fault injection: crashes, partitions, mode changes; leaves the cluster healthy but moved. */
    public static final int FAULTS = Integer.MAX_VALUE - 100;

    private ItOrder() {
    }
}
