package io.pigsty.pki;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a leaf certificate must say: its subject, the names and addresses it is valid for, its
 * lifetime, key type and usages. Two requests with the same content ask for the same
 * certificate; {@link Pki#assess} compares a certificate on a host with a request.
 *
 * @param commonName  subject CN, such as {@code pg-test-1}; empty for a subject without one (an etcd
 *                    client through its JSON gateway: etcd refuses a client certificate with a CN there)
 * @param ipAddresses IP subject alternative names, in order, no duplicates
 * @param dnsNames    DNS subject alternative names, in order, no duplicates
 * @param validity    lifetime from issue
 * @param keyType     key algorithm
 * @param usages      server and/or client
 */
public record CertRequest(String commonName, List<String> ipAddresses, List<String> dnsNames, Duration validity,
                          KeyType keyType, Set<CertUsage> usages) {
    private static final Pattern DNS = Pattern.compile("(?i)(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Canonical constructor: checks every field, copies collections. */
    public CertRequest {
        Objects.requireNonNull(commonName, "commonName");
        if ((!commonName.isEmpty() && commonName.isBlank()) || commonName.length() > 64) {
            throw new PkiException("commonName: must be 1-64 characters (or empty, for no CN), got '" + commonName + "'");
        }
        List<String> ips = new ArrayList<>();
        for (String ip : ipAddresses) {
            if (!isIp(ip)) {
                throw new PkiException("ipAddresses: not an IP address: '" + ip + "'");
            }
            ips.add(canonical(ip));
        }
        ipAddresses = List.copyOf(new LinkedHashSet<>(ips));
        dnsNames = List.copyOf(new LinkedHashSet<>(dnsNames));
        for (String d : dnsNames) {
            if (!DNS.matcher(d).matches()) {
                throw new PkiException("dnsNames: not a DNS name: '" + d + "'");
            }
        }
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new PkiException("validity: must be positive, got " + validity);
        }
        Objects.requireNonNull(keyType, "keyType");
        if (usages.isEmpty()) {
            throw new PkiException("usages: at least one of SERVER, CLIENT");
        }
        usages = Set.copyOf(EnumSet.copyOf(usages));
        if (commonName.isEmpty() && ipAddresses.isEmpty() && dnsNames.isEmpty()) {
            throw new PkiException("commonName: empty needs an IP address or a DNS name to say whom the certificate is for");
        }
    }

    /** @return what the certificate is for in messages: its CN, else its first SAN */
    public String label() {
        if (!commonName.isEmpty()) {
            return commonName;
        }
        return "(no CN) " + (ipAddresses.isEmpty() ? dnsNames.isEmpty() ? "" : dnsNames.get(0) : ipAddresses.get(0));
    }

    // certificates carry IPv6 in full form: compare like with like
    private static String canonical(String ip) {
        if (!ip.contains(":")) {
            return ip;
        }
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new PkiException("ipAddresses: not an IP address: '" + ip + "'");
        }
    }

    static boolean isIp(String s) {
        if (IPV4.matcher(s).matches()) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (s.contains(":") && s.matches("[0-9a-fA-F:.]+")) {
            try {
                InetAddress.getByName(s); // literal only: no lookup for a string of hex digits and colons
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * @param commonName subject CN; empty for a subject without one
     * @return a builder for a server certificate of 7300 days (Pigsty's {@code cert_validity}), ECDSA P-256
     */
    public static Builder builder(String commonName) {
        return new Builder(commonName);
    }

    /** @return a builder holding this request's values */
    public Builder toBuilder() {
        Builder b = new Builder(commonName).validity(validity).keyType(keyType);
        b.ips.addAll(ipAddresses);
        b.dns.addAll(dnsNames);
        b.usages.clear();
        b.usages.addAll(usages);
        return b;
    }

    /** Builder of {@link CertRequest}. */
    public static final class Builder {
        private final String commonName;
        private final List<String> ips = new ArrayList<>();
        private final List<String> dns = new ArrayList<>();
        private Duration validity = Duration.ofDays(7300);
        private KeyType keyType = KeyType.EC_P256;
        private final Set<CertUsage> usages = EnumSet.of(CertUsage.SERVER);

        private Builder(String commonName) {
            this.commonName = Objects.requireNonNull(commonName, "commonName");
        }

        /** @param ip IP addresses to add as SANs @return this */
        public Builder ip(String... ip) {
            ips.addAll(List.of(ip));
            return this;
        }

        /** @param ip IP addresses to add as SANs @return this */
        public Builder ips(Collection<String> ip) {
            ips.addAll(ip);
            return this;
        }

        /** @param name DNS names to add as SANs @return this */
        public Builder dns(String... name) {
            dns.addAll(List.of(name));
            return this;
        }

        /** @param names DNS names to add as SANs @return this */
        public Builder dnsNames(Collection<String> names) {
            dns.addAll(names);
            return this;
        }

        /** @param d lifetime from issue @return this */
        public Builder validity(Duration d) {
            validity = Objects.requireNonNull(d, "validity");
            return this;
        }

        /** @param t key algorithm @return this */
        public Builder keyType(KeyType t) {
            keyType = Objects.requireNonNull(t, "keyType");
            return this;
        }

        /** @param u usages, replacing the default SERVER @return this */
        public Builder usages(CertUsage... u) {
            usages.clear();
            usages.addAll(List.of(u));
            return this;
        }

        /** @return the request */
        public CertRequest build() {
            return new CertRequest(commonName, ips, dns, validity, keyType, usages);
        }
    }
}
