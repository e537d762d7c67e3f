#==============================================================#
# File      :   patroni.yml
# Desc      :   patroni config of ${ins} (tuning ${tuning}, pg_rto ${rto_mode}, pg_rpo ${rpo})
# Note      :   rendered by pigsty-java; changes go through the inventory
#==============================================================#
scope: ${cls}
namespace: ${namespace}/
name: ${ins}

log:
  dir: /pg/log/patroni
  level: INFO
  file_num: 10
  file_size: 67108864

restapi:
  listen: ${ip}:${patroni_port}
  connect_address: ${ip}:${patroni_port}
  authentication:
    username: ${patroni_username}
    password: '${patroni_password}'
<#if patroni_ssl>
  # patroni_ssl_enabled: HTTPS with the member's certificate; clients verify it with the CA
  certfile: ${cert_dir}/server.crt
  keyfile: ${cert_dir}/server.key
  cafile: ${cert_dir}/ca.crt

ctl:
  insecure: false
  cacert: ${cert_dir}/ca.crt
</#if>

etcd3:
  hosts: '${etcd_hosts}'
<#if etcd_tls>
  protocol: https
  cacert: ${etcd_cacert}
  cert: ${etcd_cert}
  key: ${etcd_key}
</#if>
<#if etcd_auth>
  username: '${etcd_username}'
  password: '${etcd_password}'
</#if>

bootstrap:
<#if pgbackrest.enabled && pgbackrest.clone>
  # a clone: the first member restores another cluster's backup from the shared repository
  method: pgbackrest
  pgbackrest:
    command: '${pgbackrest.clone_command}'
    keep_existing_recovery_conf: true
    no_params: true
</#if>
  dcs:
    ttl: ${rto.ttl}
    loop_wait: ${rto.loop_wait}
    retry_timeout: ${rto.retry_timeout}
    primary_start_timeout: ${rto.primary_start_timeout}
    primary_stop_timeout: 30
    maximum_lag_on_failover: ${max_lag_on_failover?c}
    maximum_lag_on_syncnode: -1
    synchronous_mode: ${synchronous_mode?c}
    synchronous_mode_strict: ${synchronous_mode_strict?c}
    failsafe_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
<#list dcs_parameters as k, v>
        ${k}: '${v}'
</#list>
<#if pgbackrest.enabled && pgbackrest.standby>
    # a standby clone: follows its source cluster, from the repository first, then streaming
    standby_cluster:
      host: ${pgbackrest.standby_host}
      port: ${pgbackrest.standby_port?c}
      create_replica_methods:
        - pgbackrest
        - basebackup
      restore_command: '${pgbackrest.restore_command}'
</#if>
  initdb:
    - encoding: ${encoding}
    - locale: ${locale}
<#if checksum>
    - data-checksums
</#if>

postgresql:
  listen: ${listen}:${pg_port}
  connect_address: ${ip}:${pg_port}
  data_dir: ${pg_data}
  bin_dir: ${pg_bin_dir}
  pgpass: ${dbsu_home}/.pgpass_patroni
  use_unix_socket: true
  use_unix_socket_repl: false
  authentication:
    superuser:
      username: ${dbsu}
<#if dbsu_password?has_content>
      password: '${dbsu_password}'
</#if>
    replication:
      username: ${repl_username}
      password: '${repl_password}'
    rewind:
      username: ${admin_username}
      password: '${admin_password}'
  parameters:
<#list local_parameters as k, v>
    ${k}: '${v}'
</#list>
<#if pgbackrest.enabled>
  recovery_conf:
    # a replica that fell behind the primary's WAL fetches it from the archive
    restore_command: '${pgbackrest.restore_command}'
</#if>
  create_replica_methods:
    - basebackup
<#if pgbackrest.enabled && (pgbackrest.replica_method || pgbackrest.standby)>
    - pgbackrest
</#if>
<#if pgbackrest.enabled>
  pgbackrest:
    command: '${pgbackrest.replica_command}'
    keep_data: true
    no_params: true
    no_leader: true
</#if>
  basebackup:
    - checkpoint: fast
    - max-rate: 1000M

watchdog:
  mode: off

tags:
  nofailover: false
  noloadbalance: false
  clonefrom: true
  nosync: false
<#if upstream?has_content>
  replicatefrom: ${upstream}
</#if>
