package io.pigsty.monitor.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable set of generated text files, keyed by a relative path with {@code /} separators
 * ({@code targets/pgsql/pg-test-1.yml}), sorted by path. Can be written to a directory, one file
 * at a time atomically: readers such as Prometheus' file_sd watcher never see a half-written file.
 */
public final class ArtifactFiles {
    private final SortedMap<String, String> files;

    private ArtifactFiles(SortedMap<String, String> files) {
        this.files = Collections.unmodifiableSortedMap(files);
    }

    /**
     * @param files relative path to content
     * @return the set
     * @throws io.pigsty.model.InvalidValueException when a path is absolute, empty, not normalised or
     *                                               leaves the directory ({@code ..})
     */
    public static ArtifactFiles of(Map<String, String> files) {
        SortedMap<String, String> copy = new TreeMap<>();
        files.forEach((path, content) -> {
            checkPath(path);
            copy.put(path, Objects.requireNonNull(content, "content of " + path));
        });
        return new ArtifactFiles(copy);
    }

    private static void checkPath(String path) {
        Objects.requireNonNull(path, "path");
        boolean bad = path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("\\")
                || Arrays.stream(path.split("/", -1)).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."));
        if (bad) {
            throw new io.pigsty.model.InvalidValueException("path", path,
                    "an artifact path must be relative, normalised and inside the directory");
        }
    }

    /** @return relative path to content, sorted by path, unmodifiable */
    public SortedMap<String, String> asMap() {
        return files;
    }

    /**
     * @param other more files
     * @return a set with the files of both
     * @throws io.pigsty.model.InvalidValueException when both hold the same path
     */
    public ArtifactFiles plus(ArtifactFiles other) {
        SortedMap<String, String> all = new TreeMap<>(files);
        for (Map.Entry<String, String> e : other.files.entrySet()) {
            if (all.putIfAbsent(e.getKey(), e.getValue()) != null) {
                throw new io.pigsty.model.InvalidValueException("path", e.getKey(), "the artifact is generated twice");
            }
        }
        return new ArtifactFiles(all);
    }

    /**
     * Writes every file below {@code dir}, creating directories as needed. Each file is written
     * to a hidden temporary file in its own directory (named so that no {@code *.yml} or
     * {@code *.json} glob matches it) and renamed over the target, so a concurrent reader sees
     * the old or the new content, never a part. A file whose content is already identical is
     * not touched, so watchers are not woken for nothing. Files are made world-readable (0644):
     * Prometheus and Grafana run as their own users.
     *
     * @param dir the root directory
     * @return relative paths of the files that were created or changed, sorted
     * @throws UncheckedIOException when a file cannot be written (files written before stay)
     */
    public List<String> writeTo(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path root = dir.toAbsolutePath().normalize();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path target = root.resolve(e.getKey()).normalize();
            byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
            try {
                Files.createDirectories(target.getParent());
                if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
                    continue;
                }
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
                try {
                    Files.write(tmp, bytes);
                    if (posix) {
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                changed.add(e.getKey());
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write " + target + ": " + ex.getMessage(), ex);
            }
        }
        return List.copyOf(changed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArtifactFiles a && a.files.equals(files);
    }

    @Override
    public int hashCode() {
        return files.hashCode();
    }

    @Override
    public String toString() {
        return "ArtifactFiles" + files.keySet();
    }
}
