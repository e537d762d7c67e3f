package io.pigsty.model;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address with a prefix length, as PostgreSQL's HBA and Pigsty's
 * {@code node_firewall_intranet} write it. A bare address is a host route ({@code /32} or
 * {@code /128}).
 *
 * @param address the address part, as written
 * @param prefix  the prefix length
 * @param ipv6    true for an IPv6 address
 */
public record Cidr(String address, int prefix, boolean ipv6) {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    /** Canonical constructor: checks the prefix range. */
    public Cidr {
        Objects.requireNonNull(address, "address");
        if (prefix < 0 || prefix > (ipv6 ? 128 : 32)) {
            throw new InvalidValueException("cidr", address + "/" + prefix, "prefix out of range");
        }
    }

    /**
     * @param text {@code 10.0.0.0/8}, {@code 10.10.10.10}, {@code fd00::/8} or {@code ::1}
     * @return the CIDR, empty when the text is not one
     */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        String mask = slash < 0 ? null : s.substring(slash + 1);
        boolean v4 = IPV4.matcher(addr).matches();
        boolean v6 = !v4 && IPV6.matcher(addr).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (mask != null) {
            if (!PREFIX.matcher(mask).matches() || Integer.parseInt(mask) > max) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(mask);
        }
        return Optional.of(new Cidr(addr, prefix, v6));
    }

    /**
     * @param text text to test
     * @return true when it is an IPv4 address (no prefix)
     */
    public static boolean isIpv4(String text) {
        return text != null && IPV4.matcher(text).matches();
    }

    /** @return {@code address/prefix} */
    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
