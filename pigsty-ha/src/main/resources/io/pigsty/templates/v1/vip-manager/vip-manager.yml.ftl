# vip-manager (>= 2) config of ${ins}: binds ${vip_ip} while ${ins} holds the Patroni leader key
interval: 1000
trigger-key: "${leader_key}"
trigger-value: "${ins}"
ip: ${vip_ip}
netmask: ${netmask}
interface: ${interface}
hosting-type: basic
dcs-type: etcd
dcs-endpoints:
<#list etcd_endpoints as e>
  - ${e}
</#list>
<#if etcd_ca_file?has_content>
etcd-ca-file: ${etcd_ca_file}
etcd-cert-file: ${etcd_cert_file}
etcd-key-file: ${etcd_key_file}
</#if>
<#if etcd_user?has_content>
etcd-user: '${etcd_user}'
etcd-password: '${etcd_password}'
</#if>
retry-num: 2
retry-after: 250
verbose: false
