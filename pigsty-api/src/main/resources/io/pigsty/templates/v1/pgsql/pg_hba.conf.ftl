<#-- pg_hba.conf: rules come pre-expanded (aliases resolved, placeholders replaced, sorted by order)
     from io.pigsty.api.pgsql.internal.HbaRules; this template only lays them out (l.text is the line in
     padded columns; l.type, l.db, l.user, l.addr and l.method are its fields). -->
#==============================================================#
# File      :   pg_hba.conf
# Desc      :   Postgres HBA rules for ${instance} [${role}]
# Path      :   ${path}
# Note      :   MANAGED BY PIGSTY-JAVA, DO NOT EDIT: re-rendered and reloaded on every run
#==============================================================#
# addr alias
# admin     : ${adminIp}
# infra     : ${infraIps?join(", ")}
# intra     : ${intranet?join(", ")}
# cluster   : ${clusterIps?join(", ")}
# user alias
# dbsu      : ${dbsu}
# repl      : ${repl}
# monitor   : ${monitor}
# admin     : ${admin}

<#list rules as r>
# ${r.title} [${r.role}]<#if !r.enabled> [DISABLED]</#if>
<#list r.raw as line>
<#if !r.enabled>#</#if>${line}
</#list>
<#list r.lines as l>
<#if !r.enabled>#</#if>${l.text}
</#list>

</#list>
