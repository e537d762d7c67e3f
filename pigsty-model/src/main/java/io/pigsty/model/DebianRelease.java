package io.pigsty.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The operating systems the SDK deploys to, with the PostgreSQL major version each one carries
 * (Debian packages exactly one). Named in the inventory by {@code node_os} ({@code debian12},
 * {@code debian13}, or Pigsty's short codes {@code d12}/{@code d13}) and read from
 * {@code /etc/os-release} in the gathered facts.
 */
public enum DebianRelease {
    /** Debian 12 bookworm: PostgreSQL 15. */
    DEBIAN12("debian12", "12", "bookworm", 15),
    /** Debian 13 trixie: PostgreSQL 17. */
    DEBIAN13("debian13", "13", "trixie", 17);

    private final String key;
    private final String versionId;
    private final String codename;
    private final int pgMajor;

    DebianRelease(String key, String versionId, String codename, int pgMajor) {
        this.key = key;
        this.versionId = versionId;
        this.codename = codename;
        this.pgMajor = pgMajor;
    }

    /** @return the inventory word, {@code debian12} */
    public String key() {
        return key;
    }

    /** @return {@code VERSION_ID} of os-release, {@code 12} */
    public String versionId() {
        return versionId;
    }

    /** @return the suite, {@code bookworm} */
    public String codename() {
        return codename;
    }

    /** @return the PostgreSQL major version its archive carries */
    public int pgMajor() {
        return pgMajor;
    }

    /** @return the major versions this OS can install (one, for Debian) */
    public List<Integer> pgVersions() {
        return List.of(pgMajor);
    }

    /** @return {@code Debian 12 (bookworm)} */
    public String display() {
        return "Debian " + versionId + " (" + codename + ")";
    }

    /**
     * @param word {@code debian12}, {@code d12}, {@code bookworm}, {@code 12} (any case)
     * @return the release, empty for anything else
     */
    public static Optional<DebianRelease> parse(String word) {
        String w = word.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> w.equals(r.key) || w.equals("d" + r.versionId)
                || w.equals(r.codename) || w.equals(r.versionId) || w.equals("debian" + r.versionId)).findFirst();
    }

    /**
     * @param id        os-release {@code ID}
     * @param versionId os-release {@code VERSION_ID}
     * @return the release, empty when the host is not a supported Debian
     */
    public static Optional<DebianRelease> fromOsRelease(String id, String versionId) {
        if (!"debian".equalsIgnoreCase(id.strip())) {
            return Optional.empty();
        }
        String v = versionId.strip();
        return Arrays.stream(values()).filter(r -> v.equals(r.versionId) || v.startsWith(r.versionId + ".")).findFirst();
    }

    /**
     * @param pgMajor a PostgreSQL major version
     * @return the release that carries it, empty when none does
     */
    public static Optional<DebianRelease> carrying(int pgMajor) {
        return Arrays.stream(values()).filter(r -> r.pgMajor == pgMajor).findFirst();
    }

    /** @return {@code Debian 12 carries 15, Debian 13 carries 17}: for messages */
    public static String summary() {
        return String.join(", ", Arrays.stream(values()).map(r -> "Debian " + r.versionId + " carries PostgreSQL " + r.pgMajor).toList());
    }
}
