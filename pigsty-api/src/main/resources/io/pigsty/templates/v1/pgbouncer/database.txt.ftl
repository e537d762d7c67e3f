<#-- one line per pg_databases entry with pgbouncer: true and state != absent -->
# pgbouncer database list (MANAGED BY PIGSTY-JAVA, DO NOT EDIT)
<#list databases as d>
${d.name?right_pad(27)} = ${d.connstr}
</#list>
