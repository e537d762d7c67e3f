package io.pigsty.api.exec;

import java.util.Objects;

/**
 * A machine the SDK acts on, named by the address it is reached at.
 *
 * @param address IPv4 address or host name the executor connects to (in Pigsty's inventory,
 *                the host key such as {@code 10.213.0.11})
 * @param name    a human name for logs and reports (an instance or node name); defaults to the address
 */
public record Host(String address, String name) {
    /** Canonical constructor: both parts are required. */
    public Host {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
        if (address.isBlank()) {
            throw new io.pigsty.model.InvalidValueException("address", address, "a host address cannot be blank");
        }
    }

    /**
     * @param address the address, also used as the name
     * @return the host
     */
    public static Host of(String address) {
        return new Host(address, address);
    }

    @Override
    public String toString() {
        return name.equals(address) ? address : name + "(" + address + ")";
    }
}
