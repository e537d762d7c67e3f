# pgBackRest TLS server (${role}): rendered by pigsty-java
[Unit]
Description=pgBackRest TLS server (${role})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${user}
Group=${group}
ExecStart=/usr/bin/pgbackrest --config=${config} server
ExecReload=/bin/kill -HUP $MAINPID
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
