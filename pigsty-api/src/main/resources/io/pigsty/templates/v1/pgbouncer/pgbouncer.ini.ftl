<#-- pgbouncer.ini for one instance; data from io.pigsty.api.pgsql.internal.PgbouncerConfigs.
     Fixed values follow Pigsty (reference 1.10). max_prepared_statements is left out: Debian 12
     ships PgBouncer 1.18 and the key only exists from 1.21 on. -->
#==============================================================#
# File      :   pgbouncer.ini
# Desc      :   PgBouncer main config for ${instance}
# Path      :   ${confDir}/pgbouncer.ini
# Note      :   MANAGED BY PIGSTY-JAVA, DO NOT EDIT
#==============================================================#

[users]
%include ${confDir}/useropts.txt

[databases]
%include ${confDir}/database.txt

[pgbouncer]
pool_mode                   = ${poolMode}
listen_addr                 = ${listenAddr}
listen_port                 = ${port?c}
auth_type                   = hba
auth_file                   = ${confDir}/userlist.txt
auth_hba_file               = ${confDir}/pgb_hba.conf
<#if authQuery>
auth_user                   = ${dbsu}
auth_query                  = SELECT username, password FROM monitor.pgbouncer_auth($1)
</#if>
admin_users                 = ${adminUsers?join(", ")}
stats_users                 = ${statsUsers?join(", ")}
server_reset_query          = DISCARD ALL
server_reset_query_always   = 0
unix_socket_dir             = ${socketDir}
pidfile                     = ${pidFile}
logfile                     = ${logDir}/pgbouncer.log
application_name_add_host   = 0
max_client_conn             = 20000
min_pool_size               = 0
default_pool_size           = 50
reserve_pool_size           = 30
reserve_pool_timeout        = 1
server_lifetime             = 600
max_db_connections          = 100
max_user_connections        = 100
server_round_robin          = 0
<#-- Not Pigsty's values (it keeps PgBouncer's 15 s and 120 s). While the local PostgreSQL is down
     (a switchover's demotion, a crash before HAProxy marks the member down), a client whose login
     PgBouncer answers from its cached server parameters waits for a server connection: with the
     defaults up to 120 s, retried every 15 s, so it hangs. Measured on PgBouncer 1.18: the first
     client after the server died hung > 40 s; with these it gets query_wait_timeout after 5 s,
     and waiting clients resume within 1 s once PostgreSQL accepts again. -->
server_login_retry          = 1
query_wait_timeout          = 5
log_connections             = 0
log_disconnections          = 0
ignore_startup_parameters   = ${ignoreParams?join(", ")}
client_tls_sslmode          = ${sslMode}
<#if sslMode != "disable">
client_tls_cert_file        = /pg/cert/server.crt
client_tls_key_file         = /pg/cert/server.key
client_tls_ca_file          = /pg/cert/ca.crt
</#if>
