package io.pigsty.ha.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.model.BackupType;
import io.pigsty.model.PigstyException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One stanza of {@code pgbackrest info --output=json}, typed: its status, its backups (type,
 * start/stop, sizes, WAL range, LSN range) and the WAL archive range, with the recoverable window a
 * point-in-time recovery can reach.
 *
 * @param stanza        stanza name
 * @param statusCode    pgBackRest's status code (0 ok, 1 missing stanza, 2 no valid backups, ...)
 * @param statusMessage its message
 * @param backups       backups, oldest first
 * @param archiveMin    first WAL segment in the archive (of the current database), empty when none
 * @param archiveMax    last WAL segment in the archive
 */
public record BackupInfo(String stanza, int statusCode, String statusMessage, List<BackupSet> backups,
                         Optional<String> archiveMin, Optional<String> archiveMax) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Canonical constructor: copies, rejects nulls. */
    public BackupInfo {
        Objects.requireNonNull(stanza, "stanza");
        Objects.requireNonNull(statusMessage, "statusMessage");
        backups = List.copyOf(backups);
        Objects.requireNonNull(archiveMin, "archiveMin");
        Objects.requireNonNull(archiveMax, "archiveMax");
    }

    /**
     * One backup.
     *
     * @param label         its label ({@code 20261201-101500F})
     * @param type          full, diff or incr
     * @param start         when it started
     * @param stop          when it stopped: the earliest moment it can be restored to
     * @param size          database size, bytes
     * @param delta         bytes that changed since the backup it depends on (all of them for a full backup)
     * @param repoSize      bytes it takes in the repository (compressed)
     * @param repoDelta     repository bytes of this backup alone
     * @param walStart      first WAL segment it needs
     * @param walStop       last WAL segment it needs
     * @param lsnStart      LSN at its start
     * @param lsnStop       LSN at its stop
     * @param prior         the backup it depends on, empty for a full backup
     * @param error         whether pgBackRest found page checksum errors in it
     */
    public record BackupSet(String label, BackupType type, Instant start, Instant stop, long size, long delta, long repoSize,
                            long repoDelta, String walStart, String walStop, String lsnStart, String lsnStop,
                            Optional<String> prior, boolean error) {
        /** Canonical constructor: rejects nulls. */
        public BackupSet {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(stop, "stop");
            Objects.requireNonNull(prior, "prior");
        }
    }

    /**
     * The span of time a point-in-time recovery can reach: from the end of the oldest backup to the
     * newest WAL known to be archived.
     *
     * @param from the earliest target
     * @param to   the latest target
     */
    public record Window(Instant from, Instant to) {
        /**
         * @param t a moment
         * @return whether a recovery can stop at it
         */
        public boolean contains(Instant t) {
            return !t.isBefore(from) && !t.isAfter(to);
        }

        @Override
        public String toString() {
            return from + " .. " + to;
        }
    }

    /**
     * @param json   the output of {@code pgbackrest --stanza=X info --output=json}
     * @param stanza the stanza to pick
     * @return the typed info
     * @throws PigstyException when the text is not pgBackRest's JSON or has no such stanza
     */
    public static BackupInfo parse(String json, String stanza) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new PigstyException("pgbackrest info: not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isArray()) {
            throw new PigstyException("pgbackrest info: expected a JSON array of stanzas");
        }
        for (JsonNode s : root) {
            if (stanza.equals(s.path("name").asText())) {
                return of(s);
            }
        }
        throw new PigstyException("pgbackrest info: no stanza " + stanza + " in the output");
    }

    private static BackupInfo of(JsonNode s) {
        List<BackupSet> sets = new ArrayList<>();
        for (JsonNode b : s.path("backup")) {
            BackupType type = BackupType.parse(b.path("type").asText()).orElseThrow(() -> new PigstyException(
                    "pgbackrest info: backup " + b.path("label").asText() + " has unknown type " + b.path("type").asText()));
            JsonNode info = b.path("info");
            sets.add(new BackupSet(b.path("label").asText(), type,
                    Instant.ofEpochSecond(b.path("timestamp").path("start").asLong()),
                    Instant.ofEpochSecond(b.path("timestamp").path("stop").asLong()),
                    info.path("size").asLong(), info.path("delta").asLong(),
                    info.path("repository").path("size").asLong(), info.path("repository").path("delta").asLong(),
                    b.path("archive").path("start").asText(""), b.path("archive").path("stop").asText(""),
                    b.path("lsn").path("start").asText(""), b.path("lsn").path("stop").asText(""),
                    b.path("prior").isTextual() ? Optional.of(b.path("prior").asText()) : Optional.empty(),
                    b.path("error").asBoolean(false)));
        }
        sets.sort(Comparator.comparing(BackupSet::stop));
        Optional<String> min = Optional.empty();
        Optional<String> max = Optional.empty();
        // the archive of the current database (the last db entry) is the one a restore of this cluster reads
        for (JsonNode a : s.path("archive")) {
            if (a.path("min").isTextual()) {
                min = min.isEmpty() || a.path("min").asText().compareTo(min.get()) < 0 ? Optional.of(a.path("min").asText()) : min;
            }
            if (a.path("max").isTextual()) {
                max = max.isEmpty() || a.path("max").asText().compareTo(max.get()) > 0 ? Optional.of(a.path("max").asText()) : max;
            }
        }
        return new BackupInfo(s.path("name").asText(), s.path("status").path("code").asInt(-1),
                s.path("status").path("message").asText(""), sets, min, max);
    }

    /** @return the newest backup, empty when there is none */
    public Optional<BackupSet> latest() {
        return backups.isEmpty() ? Optional.empty() : Optional.of(backups.get(backups.size() - 1));
    }

    /** @return the newest full backup */
    public Optional<BackupSet> latestFull() {
        return backups.stream().filter(b -> b.type() == BackupType.FULL).reduce((a, b) -> b);
    }

    /**
     * @param lastArchived when the newest WAL reached the archive ({@code pg_stat_archiver.last_archived_time}
     *                     of the primary), empty when unknown: the window then ends with the newest backup
     * @return the recoverable window, empty when there is no backup
     */
    public Optional<Window> window(Optional<Instant> lastArchived) {
        List<BackupSet> good = backups.stream().filter(b -> !b.error()).toList();
        if (good.isEmpty()) {
            return Optional.empty();
        }
        Instant from = good.get(0).stop();
        Instant to = good.get(good.size() - 1).stop();
        if (lastArchived.isPresent() && lastArchived.get().isAfter(to)) {
            to = lastArchived.get();
        }
        return Optional.of(new Window(from, to));
    }
}
