package io.pigsty.api.exec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file to put on a host: path, full content, mode, owner and group. Executors write it
 * atomically (temporary file in the same directory, then rename) so readers never see half a
 * file.
 *
 * @param path    absolute path
 * @param content full content
 * @param mode    octal mode such as {@code 0644}
 * @param owner   owning user name
 * @param group   owning group name
 * @param secret  true when the content holds secrets: never shown in logs, diffs or plans
 */
public record FileSpec(String path, byte[] content, String mode, String owner, String group, boolean secret) {
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3,4}");

    /** Canonical constructor: validates path and mode, copies content. */
    public FileSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(group, "group");
        if (!path.startsWith("/")) {
            throw new io.pigsty.model.InvalidValueException("path", path, "a file path must be absolute");
        }
        if (!MODE.matcher(mode).matches()) {
            throw new io.pigsty.model.InvalidValueException("mode", mode, "a file mode must be octal like 0644");
        }
        content = content.clone();
    }

    /**
     * @param path    absolute path
     * @param content UTF-8 text
     * @param mode    octal mode
     * @param owner   user (also used as group)
     * @return a non-secret file
     */
    public static FileSpec text(String path, String content, String mode, String owner) {
        return new FileSpec(path, content.getBytes(StandardCharsets.UTF_8), mode, owner, owner, false);
    }

    /** @return a copy of the content */
    @Override
    public byte[] content() {
        return content.clone();
    }

    /** @return the content decoded as UTF-8 */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** @return this file marked as holding secrets */
    public FileSpec asSecret() {
        return new FileSpec(path, content, mode, owner, group, true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileSpec f && path.equals(f.path) && Arrays.equals(content, f.content)
                && mode.equals(f.mode) && owner.equals(f.owner) && group.equals(f.group) && secret == f.secret;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(content), mode, owner, group, secret);
    }

    @Override
    public String toString() {
        return "FileSpec[" + path + " " + mode + " " + owner + ":" + group + " " + content.length + " bytes"
                + (secret ? " secret" : "") + "]";
    }
}
