# keepalived VIP ${vip} of ${cls} on ${ins}: held only by the member whose Patroni says it is primary
global_defs {
    router_id ${ins}
    enable_script_security
    script_user root
}

vrrp_script ${cls_id}_primary {
    script "${patroni_probe}"
    interval 1
    timeout 3
    fall 2
    rise 1
}

vrrp_instance ${cls_id}_vip {
    state BACKUP
    interface ${interface}
    virtual_router_id ${vrid}
    priority 100
    nopreempt
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass ${auth_pass}
    }
    virtual_ipaddress {
        ${vip} dev ${interface}
    }
    track_script {
        ${cls_id}_primary
    }
}
