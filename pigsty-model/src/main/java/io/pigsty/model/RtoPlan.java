package io.pigsty.model;

/**
 * The timings one {@code pg_rto} mode sets for Patroni and HAProxy together (Pigsty v4
 * {@code pg_rto_plan}). Satisfies Patroni's constraint {@code loop_wait + 2 * retry_timeout <= ttl}.
 *
 * @param ttl                 Patroni leader key TTL, seconds
 * @param loopWait            Patroni HA loop interval, seconds
 * @param retryTimeout        DCS and PostgreSQL operation retry timeout, seconds
 * @param primaryStartTimeout seconds Patroni waits for a crashed primary to recover before failing over
 * @param safetyMargin        watchdog safety margin, seconds
 * @param inter               HAProxy check interval
 * @param fastinter           HAProxy interval while a state change is pending
 * @param downinter           HAProxy interval while a server is down
 * @param rise                consecutive successes to mark a server up
 * @param fall                consecutive failures to mark a server down
 */
public record RtoPlan(int ttl, int loopWait, int retryTimeout, int primaryStartTimeout, int safetyMargin,
                      String inter, String fastinter, String downinter, int rise, int fall) {
    /** @return the HAProxy {@code default-server} timing words */
    public String haproxyTimings() {
        return "inter " + inter + " fastinter " + fastinter + " downinter " + downinter + " rise " + rise + " fall " + fall;
    }
}
