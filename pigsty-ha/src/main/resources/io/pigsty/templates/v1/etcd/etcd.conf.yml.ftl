# etcd ${member} of cluster ${etcd_cluster}: rendered by pigsty-java
name: ${member}
data-dir: ${data_dir}
listen-peer-urls: http://${ip}:${peer_port}
listen-client-urls: http://${ip}:${client_port},http://127.0.0.1:${client_port}
initial-advertise-peer-urls: http://${ip}:${peer_port}
advertise-client-urls: http://${ip}:${client_port}
initial-cluster: ${initial_cluster}
initial-cluster-token: ${etcd_cluster}
initial-cluster-state: ${init_state}
# Patroni's etcd3 client speaks the JSON gateway; with a config file it is only on when asked for
enable-grpc-gateway: true
election-timeout: ${election_timeout}
heartbeat-interval: ${heartbeat_interval}
quota-backend-bytes: 17179869184
auto-compaction-mode: periodic
auto-compaction-retention: 24h
log-level: warn
