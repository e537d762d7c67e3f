# patroni.service: rendered by pigsty-java
[Unit]
Description=Patroni HA agent of PostgreSQL ${ins}
Documentation=https://patroni.readthedocs.io/
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${dbsu}
Group=${dbsu}
# Patroni's multiprocessing child chdirs into the working directory; /root would hang bootstrap
WorkingDirectory=${dbsu_home}
Environment=PATRONI_CONFIG_LOCATION=/etc/patroni/patroni.yml
ExecStart=/usr/bin/patroni /etc/patroni/patroni.yml
ExecReload=/bin/kill -s HUP $MAINPID
# only the agent is stopped: postgres must not be killed by systemd behind Patroni's back
KillMode=process
TimeoutSec=30
Restart=on-failure
RestartSec=2s
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
