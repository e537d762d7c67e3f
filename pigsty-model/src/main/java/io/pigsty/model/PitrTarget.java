package io.pigsty.model;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a point-in-time recovery stops: Pigsty's {@code pg_pitr} task ({@code type} with
 * {@code time}, {@code name}, {@code lsn}, {@code xid}; {@code cluster}, {@code set},
 * {@code timeline}, {@code exclusive}, {@code archive}). The recovered primary is always
 * promoted ({@code action: promote}): the plan continues the cluster on the new timeline.
 *
 * @param kind          what {@code value} is
 * @param value         the time ({@code 2026-12-01 10:00:00+00}), restore point, LSN or xid; empty
 *                      for {@code latest} and {@code immediate}
 * @param sourceCluster the stanza to restore from; empty = the cluster itself
 * @param set           the backup set ({@code latest} by default)
 * @param timeline      the timeline to follow ({@code latest} by default, as in Pigsty)
 * @param exclusive     stop just before the target instead of just after it
 */
public record PitrTarget(Kind kind, String value, Optional<String> sourceCluster, String set, String timeline,
                         boolean exclusive) {
    private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");
    private static final Pattern XID = Pattern.compile("[0-9]{1,19}");
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    /** The recovery target types of {@code pg_pitr.type}. */
    public enum Kind {
        /** The end of the archived WAL ({@code default} in Pigsty). */
        LATEST,
        /** A moment ({@code recovery_target_time}). */
        TIME,
        /** A restore point made with {@code pg_create_restore_point} ({@code recovery_target_name}). */
        NAME,
        /** A WAL position ({@code recovery_target_lsn}). */
        LSN,
        /** A transaction id ({@code recovery_target_xid}). */
        XID,
        /** The end of the backup: the earliest consistent point ({@code recovery_target=immediate}). */
        IMMEDIATE;

        /** @return the word of {@code pg_pitr.type} and pgBackRest's {@code --type} */
        public String value() {
            return this == LATEST ? "default" : name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param s a word of {@code pg_pitr.type} ({@code latest} is read as {@code default})
         * @return the kind, empty when unknown
         */
        public static Optional<Kind> parse(String s) {
            if ("latest".equals(s)) {
                return Optional.of(LATEST);
            }
            for (Kind k : values()) {
                if (k.value().equals(s)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** Canonical constructor: rejects nulls and values that do not fit their kind. */
    public PitrTarget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(sourceCluster, "sourceCluster");
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(timeline, "timeline");
        problem(kind, value).ifPresent(p -> {
            throw new IllegalArgumentException("pg_pitr: " + p);
        });
    }

    /**
     * @param kind  target kind
     * @param value its value
     * @return what is wrong with the pair, empty when it fits
     */
    public static Optional<String> problem(Kind kind, String value) {
        switch (kind) {
            case LATEST, IMMEDIATE:
                return value.isEmpty() ? Optional.empty() : Optional.of("type " + kind.value() + " takes no value, got '" + value + "'");
            case TIME:
                try {
                    parseTime(value);
                    return Optional.empty();
                } catch (DateTimeParseException e) {
                    return Optional.of("time '" + value + "' is not a time with a zone offset, such as 2026-12-01 10:00:00+00");
                }
            case LSN:
                return LSN.matcher(value).matches() ? Optional.empty() : Optional.of("lsn '" + value + "' is not an LSN such as 0/3000000");
            case XID:
                return XID.matcher(value).matches() ? Optional.empty() : Optional.of("xid '" + value + "' is not a transaction id");
            case NAME:
                return value.isEmpty() || value.length() > 63 ? Optional.of("name must be a restore point name of 1 to 63 characters")
                        : Optional.empty();
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * Reads a time the way PostgreSQL writes it ({@code 2026-12-01 10:00:00.123456+00}) or as ISO-8601.
     *
     * @param s the text
     * @return the moment
     * @throws DateTimeParseException when it has no zone offset or does not parse
     */
    public static OffsetDateTime parseTime(String s) {
        String t = s.strip().replace(' ', 'T');
        // PostgreSQL abbreviates the offset to +00 / +0530
        if (t.matches(".*[+-]\\d\\d$")) {
            t = t + ":00";
        } else if (t.matches(".*[+-]\\d\\d\\d\\d$")) {
            t = t.substring(0, t.length() - 2) + ":" + t.substring(t.length() - 2);
        }
        return OffsetDateTime.parse(t);
    }

    /** @return the latest point the archive reaches */
    public static PitrTarget latest() {
        return new PitrTarget(Kind.LATEST, "", Optional.empty(), "latest", "latest", false);
    }

    /** @return the end of the latest backup */
    public static PitrTarget immediate() {
        return new PitrTarget(Kind.IMMEDIATE, "", Optional.empty(), "latest", "latest", false);
    }

    /**
     * @param time the moment
     * @return recover to just after that moment
     */
    public static PitrTarget time(OffsetDateTime time) {
        return new PitrTarget(Kind.TIME, time.withOffsetSameInstant(ZoneOffset.UTC).format(PG_TIME), Optional.empty(),
                "latest", "latest", false);
    }

    /**
     * @param restorePoint a name given to {@code pg_create_restore_point}
     * @return recover to that restore point
     */
    public static PitrTarget name(String restorePoint) {
        return new PitrTarget(Kind.NAME, restorePoint, Optional.empty(), "latest", "latest", false);
    }

    /**
     * @param lsn a WAL position such as {@code 0/3000000}
     * @return recover to that position
     */
    public static PitrTarget lsn(String lsn) {
        return new PitrTarget(Kind.LSN, lsn, Optional.empty(), "latest", "latest", false);
    }

    /**
     * @param xid a transaction id
     * @return recover to that transaction
     */
    public static PitrTarget xid(String xid) {
        return new PitrTarget(Kind.XID, xid, Optional.empty(), "latest", "latest", false);
    }

    /** @return this target, stopping just before it instead of just after */
    public PitrTarget exclusiveTarget() {
        return new PitrTarget(kind, value, sourceCluster, set, timeline, true);
    }

    /**
     * @param cluster another cluster whose repository holds the backups
     * @return this target, read from that cluster's stanza
     */
    public PitrTarget from(String cluster) {
        return new PitrTarget(kind, value, Optional.of(cluster), set, timeline, exclusive);
    }

    /** @return the time target as a moment, empty for other kinds */
    public Optional<OffsetDateTime> moment() {
        return kind == Kind.TIME ? Optional.of(parseTime(value)) : Optional.empty();
    }

    /** @return Pigsty's {@code pg_pitr} map (only the keys that differ from its defaults besides {@code type}) */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", kind.value());
        switch (kind) {
            case TIME -> m.put("time", value);
            case NAME -> m.put("name", value);
            case LSN -> m.put("lsn", value);
            case XID -> m.put("xid", value);
            default -> {
            }
        }
        sourceCluster.ifPresent(c -> m.put("cluster", c));
        if (!set.equals("latest")) {
            m.put("set", set);
        }
        if (!timeline.equals("latest")) {
            m.put("timeline", timeline);
        }
        if (exclusive) {
            m.put("exclusive", "true");
        }
        return m;
    }

    /**
     * @param m a {@code pg_pitr} map (scalar values as strings)
     * @return the target
     * @throws IllegalArgumentException naming the key that is wrong
     */
    public static PitrTarget fromMap(Map<String, String> m) {
        String type = m.getOrDefault("type", inferType(m));
        Kind kind = Kind.parse(type).orElseThrow(() -> new IllegalArgumentException(
                "pg_pitr.type: '" + type + "' is not one of default, time, name, lsn, xid, immediate"));
        String value = switch (kind) {
            case TIME -> m.getOrDefault("time", "");
            case NAME -> m.getOrDefault("name", "");
            case LSN -> m.getOrDefault("lsn", "");
            case XID -> m.getOrDefault("xid", "");
            default -> "";
        };
        return new PitrTarget(kind, value, Optional.ofNullable(m.get("cluster")), m.getOrDefault("set", "latest"),
                m.getOrDefault("timeline", "latest"), Boolean.parseBoolean(m.getOrDefault("exclusive", "false")));
    }

    private static String inferType(Map<String, String> m) {
        // Pigsty infers the type from the one target key given
        for (String k : new String[]{"time", "name", "lsn", "xid"}) {
            if (m.containsKey(k)) {
                return k;
            }
        }
        return "default";
    }

    @Override
    public String toString() {
        return kind.value() + (value.isEmpty() ? "" : " " + value) + (exclusive ? " (exclusive)" : "")
                + sourceCluster.map(c -> " from " + c).orElse("");
    }
}
