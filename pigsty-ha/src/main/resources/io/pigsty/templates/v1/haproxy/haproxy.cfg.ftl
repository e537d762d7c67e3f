#==============================================================#
# File      :   haproxy.cfg
# Desc      :   haproxy global config on ${ip}; services are in conf.d/
#==============================================================#
global
    # no global maxconn: HAProxy derives it from the open-files limit it gets (hosts and containers differ)
    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners
    stats timeout 30s

defaults
    mode tcp
    retries 3
    timeout queue 3s
    timeout connect 3s
    timeout client ${client_timeout}
    timeout server ${server_timeout}
    timeout check 3s

listen admin
    bind ${ip}:${admin_port}
    mode http
    stats enable
    stats refresh 30s
    stats uri /
<#if auth_enabled>
    stats auth ${admin_username}:${admin_password}
</#if>
    http-request use-service prometheus-exporter if { path /metrics }
