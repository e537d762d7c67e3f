package io.pigsty.monitor.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runnable exporter ({@code pg-exporter.jar}, built by pigsty-monitor's shade configuration) that
 * the MONITOR module uploads to every node. Located once, when a plan is built, and carried by the
 * plan as bytes plus their SHA-256, so a re-apply with the same jar changes nothing and a new build
 * is uploaded (and the exporters restarted) exactly once.
 *
 * <p>Where it is looked for, first hit wins: the system property {@value #PROPERTY}, the environment
 * variable {@value #ENV}, {@code pg-exporter.jar} beside the jar or class directory this class was
 * loaded from (in a Maven build: {@code pigsty-monitor/target/}), and
 * {@code pigsty-monitor/target/pg-exporter.jar} below the working directory (the {@code ./pigsty}
 * script runs from the repository root).
 */
public final class ExporterJar {
    /** System property naming the jar. */
    public static final String PROPERTY = "pigsty.exporter.jar";
    /** Environment variable naming the jar. */
    public static final String ENV = "PIGSTY_EXPORTER_JAR";
    /** Where the jar goes on every node. */
    public static final String REMOTE_PATH = "/usr/lib/pigsty/pg-exporter.jar";

    private final Optional<Path> source;
    private final byte[] bytes;
    private final String sha256;
    private final List<String> searched;

    private ExporterJar(Optional<Path> source, byte[] bytes, List<String> searched) {
        this.source = source;
        this.bytes = bytes;
        this.sha256 = sha256(bytes);
        this.searched = List.copyOf(searched);
    }

    /**
     * @param jar the jar file
     * @return that jar, read now
     * @throws UncheckedIOException when it cannot be read
     */
    public static ExporterJar at(Path jar) {
        Objects.requireNonNull(jar, "jar");
        Path abs = jar.toAbsolutePath().normalize();
        try {
            // every plan locates the jar: reading and hashing its 7 MB each time was four fifths of planning a
            // cluster, so the last jar read is kept while its file keeps its size and modification time
            BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
            Loaded last = LAST.get();
            if (last != null && last.path.equals(abs) && last.size == a.size() && last.modified.equals(a.lastModifiedTime())) {
                return last.jar;
            }
            ExporterJar read = new ExporterJar(Optional.of(abs), Files.readAllBytes(abs), List.of(jar.toString()));
            // the attributes are read again after the bytes: a jar rewritten meanwhile is not remembered
            BasicFileAttributes after = Files.readAttributes(abs, BasicFileAttributes.class);
            if (after.size() == read.bytes.length && after.lastModifiedTime().equals(a.lastModifiedTime())) {
                LAST.set(new Loaded(abs, after.size(), after.lastModifiedTime(), read));
            }
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the exporter jar " + jar + ": " + e.getMessage(), e);
        }
    }

    /** The jar read last, with the file attributes it was read under. */
    private record Loaded(Path path, long size, FileTime modified, ExporterJar jar) {
    }

    private static final AtomicReference<Loaded> LAST = new AtomicReference<>();

    /** @return the jar found as the class comment says; {@link #isPresent()} is false when none was found */
    public static ExporterJar locate() {
        return locate(System.getProperties().getProperty(PROPERTY), System.getenv(), Path.of("").toAbsolutePath(),
                codeSourceDir());
    }

    static ExporterJar locate(String property, Map<String, String> env, Path workDir, Optional<Path> codeDir) {
        List<Path> candidates = new ArrayList<>();
        String explicit = null;
        String e = env.get(ENV);
        if (property != null && !property.isBlank()) {
            explicit = "-D" + PROPERTY;
            candidates.add(Path.of(property));
        } else if (e != null && !e.isBlank()) {
            explicit = ENV;
            candidates.add(Path.of(e));
        }
        codeDir.ifPresent(d -> candidates.add(d.resolve("pg-exporter.jar")));
        candidates.add(workDir.resolve("pigsty-monitor/target/pg-exporter.jar"));
        List<String> searched = new ArrayList<>();
        for (Path p : candidates) {
            searched.add(p.toString());
            if (Files.isRegularFile(p)) {
                return at(p);
            }
            if (explicit != null) {
                // an explicit choice that does not exist is a mistake, not a reason to pick another jar
                throw new io.pigsty.model.InvalidValueException(explicit, p.toString(), "the exporter jar named by " + explicit
                        + " does not exist");
            }
        }
        return new ExporterJar(Optional.empty(), new byte[0], searched);
    }

    private static Optional<Path> codeSourceDir() {
        try {
            CodeSource cs = ExporterJar.class.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null || !"file".equals(cs.getLocation().getProtocol())) {
                return Optional.empty();
            }
            Path p = Path.of(cs.getLocation().toURI());
            // target/classes -> target; target/pigsty-monitor-x.jar -> target
            return Optional.ofNullable(p.getParent());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException ex) {
            return Optional.empty();
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** @return whether a jar was found */
    public boolean isPresent() {
        return source.isPresent();
    }

    /** @return where it was read from */
    public Optional<Path> source() {
        return source;
    }

    /** @return a copy of its bytes (empty when not found) */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return SHA-256 of the bytes, lower-case hex */
    public String sha256() {
        return sha256;
    }

    /** @return the paths looked at, in order */
    public List<String> searched() {
        return searched;
    }

    /** @return what a user must do when no jar was found */
    public String missingMessage() {
        return "pg-exporter.jar not found (looked at " + String.join(", ", searched) + "): build it with "
                + "'mvn -pl pigsty-monitor -am package -DskipTests' or name it with -D" + PROPERTY + "=/path/to/pg-exporter.jar";
    }

    @Override
    public String toString() {
        return isPresent() ? "pg-exporter.jar " + source.get() + " (" + bytes.length + " bytes, sha256 " + sha256 + ")"
                : "pg-exporter.jar (not built)";
    }
}
