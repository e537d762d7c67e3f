# pg_crontab of ${cls}: rendered by pigsty-java (pg-backup runs only where the member is primary)
SHELL=/bin/bash
PATH=/pg/bin:/usr/local/bin:/usr/bin:/bin
<#list entries as e>
${e}
</#list>
