/**
 * Day-2 operations on running clusters: Patroni REST client, cluster status, switchover and friends.
 */
package io.pigsty.ha.ops;
