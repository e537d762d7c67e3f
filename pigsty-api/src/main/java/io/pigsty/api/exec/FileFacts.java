package io.pigsty.api.exec;

import java.util.Objects;

/**
 * What a host says about a path.
 *
 * @param path      the path asked about
 * @param exists    whether anything is there
 * @param directory whether it is a directory
 * @param mode      octal permission bits such as {@code 0644} (empty when absent)
 * @param owner     owning user name (empty when absent)
 * @param group     owning group name (empty when absent)
 * @param size      size in bytes (0 when absent)
 */
public record FileFacts(String path, boolean exists, boolean directory, String mode, String owner, String group,
                        long size) {
    /** Canonical constructor: no part may be null. */
    public FileFacts {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(group, "group");
    }

    /**
     * @param path the path
     * @return facts of a path where nothing exists
     */
    public static FileFacts absent(String path) {
        return new FileFacts(path, false, false, "", "", "", 0);
    }
}
