package io.pigsty.ssh;

/** How {@link SshExecutor} treats a host key it has not seen before. A changed key is always refused. */
public enum HostKeyPolicy {
    /** Only keys already in the known_hosts file are accepted (the default). */
    STRICT,
    /** An unknown host's key is accepted on first contact and added to the known_hosts file. */
    ACCEPT_NEW
}
