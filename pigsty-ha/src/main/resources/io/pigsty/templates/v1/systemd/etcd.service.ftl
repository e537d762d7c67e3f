# etcd.service: rendered by pigsty-java
[Unit]
Description=etcd member ${member}
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
User=etcd
Group=etcd
ExecStart=/usr/bin/etcd --config-file /etc/etcd/etcd.conf.yml
Restart=on-failure
RestartSec=2s
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
