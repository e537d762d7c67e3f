# etcd ${member} of cluster ${etcd_cluster}: rendered by pigsty-java
name: ${member}
data-dir: ${data_dir}
listen-peer-urls: ${scheme}://${ip}:${peer_port}
listen-client-urls: ${scheme}://${ip}:${client_port},${scheme}://127.0.0.1:${client_port}
initial-advertise-peer-urls: ${scheme}://${ip}:${peer_port}
advertise-client-urls: ${scheme}://${ip}:${client_port}
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
<#if tls>
# the deployment's CA (PKI module): clients verify the member, members verify each other, and every
# client shows a certificate of the CA before its etcd user logs in (a token's user wins over the CN)
client-transport-security:
  cert-file: ${cert_dir}/server.crt
  key-file: ${cert_dir}/server.key
  trusted-ca-file: ${cert_dir}/ca.crt
  client-cert-auth: true
peer-transport-security:
  cert-file: ${cert_dir}/server.crt
  key-file: ${cert_dir}/server.key
  trusted-ca-file: ${cert_dir}/ca.crt
  client-cert-auth: true
</#if>
