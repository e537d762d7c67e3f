<#-- Our own unit (not Debian's, which Pigsty-java disables): same program, our config path. -->
# MANAGED BY PIGSTY-JAVA, DO NOT EDIT
[Unit]
Description=PgBouncer connection pool for ${instance}
Documentation=https://www.pgbouncer.org/
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
User=${dbsu}
Group=${dbsu}
ExecStart=/usr/sbin/pgbouncer ${confDir}/pgbouncer.ini
ExecReload=/bin/kill -HUP $MAINPID
KillSignal=SIGINT
Restart=on-failure
RestartSec=5s
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
