package io.pigsty.monitor;

/** What a target's health probe found; decides the status codes of the health endpoints. */
public enum TargetStatus {
    /** Up and not in recovery (PgBouncer counts as primary: it serves writes). */
    PRIMARY,
    /** Up and in recovery. */
    REPLICA,
    /** Answering SQLSTATE 57P03 (starting up, shutting down, or in recovery without hot standby): not serving. */
    STARTING,
    /** Unreachable or failing. */
    DOWN;

    /** @return true when the server serves queries (primary or replica) */
    public boolean isUp() {
        return this == PRIMARY || this == REPLICA;
    }
}
