/**
 * High availability: the ETCD, PATRONI, HAPROXY, VIP and BACKUP modules, the Patroni and etcd
 * clients and the day-2 operations. Only the API packages are exported.
 */
module io.pigsty.ha {
    requires transitive io.pigsty.api;
    requires transitive com.fasterxml.jackson.databind;
    requires java.net.http;
    requires jmespath.core;
    requires jmespath.jackson;
    requires org.slf4j;

    exports io.pigsty.ha;
    exports io.pigsty.ha.backup;
    exports io.pigsty.ha.ops;

    provides io.pigsty.api.spi.PigstyModule with io.pigsty.ha.EtcdModule, io.pigsty.ha.PatroniModule,
            io.pigsty.ha.HaproxyModule, io.pigsty.ha.VipModule, io.pigsty.ha.backup.BackupModule;
    provides io.pigsty.model.spi.InventoryRules with io.pigsty.ha.internal.HaInventoryRules;
}
