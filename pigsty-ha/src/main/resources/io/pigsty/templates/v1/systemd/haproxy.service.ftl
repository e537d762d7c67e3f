# haproxy.service: rendered by pigsty-java (global config first, then every service file)
[Unit]
Description=HAProxy load balancer for PostgreSQL services
After=network-online.target
Wants=network-online.target

[Service]
EnvironmentFile=-/etc/default/haproxy
Environment="CONFIG=-f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d" "PIDFILE=/run/haproxy.pid"
RuntimeDirectory=haproxy
ExecStartPre=/usr/sbin/haproxy -c -q $CONFIG
ExecStart=/usr/sbin/haproxy -Ws $CONFIG -p $PIDFILE
ExecReload=/usr/sbin/haproxy -c -q $CONFIG
ExecReload=/bin/kill -USR2 $MAINPID
KillMode=mixed
Restart=always
Type=notify
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
