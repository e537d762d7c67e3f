<#-- ~dbsu/.pgpass (mode 0600): credentials the dbsu uses for admin, monitor and replication
     logins. Fields were escaped for .pgpass (':' and '\') by io.pigsty.api.pgsql.internal.Pgpass. -->
<#list entries as e>
${e.host}:${e.port}:${e.db}:${e.user}:${e.password}
</#list>
