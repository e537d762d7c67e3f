<#-- pgb_hba.conf: same expansion as pg_hba.conf (io.pigsty.api.pgsql.internal.HbaRules), pgbouncer dialect. -->
#==============================================================#
# File      :   pgb_hba.conf
# Desc      :   PgBouncer HBA rules for ${instance} [${role}]
# Path      :   ${path}
# Note      :   MANAGED BY PIGSTY-JAVA, DO NOT EDIT: re-rendered and reloaded on every run
#==============================================================#

<#list rules as r>
# ${r.title} [${r.role}]<#if !r.enabled> [DISABLED]</#if>
<#list r.raw as line>
<#if !r.enabled>#</#if>${line}
</#list>
<#list r.lines as l>
<#if !r.enabled>#</#if>${l.text}
</#list>

</#list>
