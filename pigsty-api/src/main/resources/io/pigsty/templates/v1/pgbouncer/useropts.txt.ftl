<#-- per-user pool options: users (default roles + pg_users) with a pool mode or pool connlimit -->
# pgbouncer user options (MANAGED BY PIGSTY-JAVA, DO NOT EDIT)
<#list users as u>
${u.name?right_pad(27)} = ${u.opts}
</#list>
