package io.pigsty.model;

/** The lowest inventory level at which a parameter is meaningful. */
public enum Scope {
    /** {@code all.vars} only. */
    GLOBAL,
    /** Global or group (cluster) vars. */
    CLUSTER,
    /** Any level, including a host. */
    INSTANCE
}
