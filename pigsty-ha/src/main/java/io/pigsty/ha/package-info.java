/**
 * HA modules: etcd, Patroni, HAProxy, VIP; Patroni REST and etcd clients; day-2 operations.
 */
package io.pigsty.ha;
