#---------------------------------------------------------------------
# service ${full_name}: port ${port} -> ${dest_port}, check ${check}
# selector: ${selector}<#if backup?has_content>, backup: ${backup}</#if>
#---------------------------------------------------------------------
listen ${full_name}
    bind ${bind}:${port}
    mode tcp
    maxconn ${maxconn}
    balance ${balance}
    option httpchk
    option http-keep-alive
    http-check send meth OPTIONS uri ${check}
    http-check expect status 200
    default-server ${options}
<#list servers as s>
    server ${s.name} ${s.ip}:${dest_port} check port ${patroni_port}${check_ssl} weight ${s.weight}<#if s.backup> backup</#if>
</#list>
