package io.pigsty.monitor;

/** What a target's health probe found; decides the status codes of the health endpoints. */
public enum TargetStatus {
    /** Up and not in recovery (PgBouncer counts as primary: it serves writes). */
    PRIMARY,
    /** Up and in recovery. */
    REPLICA,
    /** Unreachable or failing. */
    DOWN
}
