package io.pigsty.model.internal;

import io.pigsty.model.Cidr;
import io.pigsty.model.Params;
import io.pigsty.model.Vars;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * NODE rules that used to live in the script renderer: Debian package names, sysctl keys and
 * values, the admin address and the intranet CIDRs the HBA aliases expand to. Checked at every
 * level where the key is set, so the path is where the user wrote it.
 */
final class NodeRules {
    static final Pattern DEB_PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+:~-]+)?");
    static final Pattern SYSCTL_KEY = Pattern.compile("[a-z0-9_][a-z0-9_.\\-]*");
    static final Pattern SYSCTL_VALUE = Pattern.compile("[A-Za-z0-9_.,:/ \\t+-]+");

    private final Findings f;
    private final Set<String> badKeys;

    NodeRules(Findings f, Set<String> badKeys) {
        this.f = f;
        this.badKeys = badKeys;
    }

    void check(String path, Vars vars) {
        if (ok(path, Params.NODE_PACKAGES.name())) {
            vars.get(Params.NODE_PACKAGES).ifPresent(list -> {
                for (int i = 0; i < list.size(); i++) {
                    if (!DEB_PACKAGE.matcher(list.get(i)).matches()) {
                        f.error(path + ".node_packages[" + i + "]", "'" + PgsqlRules.printable(list.get(i))
                                + "' is not a Debian package name (name or name=version)");
                    }
                }
            });
        }
        if (ok(path, Params.NODE_SYSCTL_PARAMS.name())) {
            vars.get(Params.NODE_SYSCTL_PARAMS).ifPresent(m -> m.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> {
                        String p = path + ".node_sysctl_params." + e.getKey();
                        if (!SYSCTL_KEY.matcher(e.getKey()).matches()) {
                            f.error(p, "'" + PgsqlRules.printable(e.getKey()) + "' is not a sysctl key");
                        } else if (!SYSCTL_VALUE.matcher(String.valueOf(e.getValue()).strip()).matches()) {
                            f.error(p, "'" + PgsqlRules.printable(String.valueOf(e.getValue()))
                                    + "' is not a plain sysctl value (letters, digits, blanks and _ . , : / + -)");
                        }
                    }));
        }
        if (ok(path, Params.ADMIN_IP.name())) {
            vars.get(Params.ADMIN_IP).filter(ip -> !Cidr.isIpv4(ip))
                    .ifPresent(ip -> f.error(path + ".admin_ip", "invalid IPv4 address '" + PgsqlRules.printable(ip) + "'"));
        }
        if (ok(path, Params.NODE_FIREWALL_INTRANET.name())) {
            vars.get(Params.NODE_FIREWALL_INTRANET).ifPresent(list -> {
                for (int i = 0; i < list.size(); i++) {
                    if (Cidr.parse(list.get(i)).isEmpty()) {
                        f.error(path + ".node_firewall_intranet[" + i + "]", "'" + PgsqlRules.printable(list.get(i))
                                + "' is not an IPv4/IPv6 address or CIDR");
                    }
                }
            });
        }
    }

    private boolean ok(String path, String key) {
        return !badKeys.contains(path + "." + key);
    }

}
