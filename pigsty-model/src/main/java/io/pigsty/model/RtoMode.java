package io.pigsty.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** {@code pg_rto}: how fast a failed primary is replaced, traded against false alarms. */
public enum RtoMode {
    /** Target RTO under 30 s. */
    FAST(new RtoPlan(20, 5, 5, 15, 5, "1s", "500ms", "1s", 3, 3)),
    /** Pigsty's default: under 45 s. */
    NORM(new RtoPlan(30, 5, 10, 25, 5, "2s", "1s", "2s", 3, 3)),
    /** Under 90 s: tolerates longer network blips. */
    SAFE(new RtoPlan(60, 10, 20, 45, 10, "3s", "1500ms", "3s", 3, 3)),
    /** Under 150 s: for wide-area links. */
    WIDE(new RtoPlan(120, 20, 30, 95, 15, "4s", "2s", "4s", 3, 3));

    private final RtoPlan plan;

    RtoMode(RtoPlan plan) {
        this.plan = plan;
    }

    /** @return the Patroni and HAProxy timings of this mode */
    public RtoPlan plan() {
        return plan;
    }

    /** @return the inventory word, e.g. {@code norm} */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code fast|norm|safe|wide}; like Pigsty v4.5, an integer (the pre-v4 seconds form)
     * maps to {@code norm}.
     *
     * @param raw the inventory value
     * @return the mode, empty when not understood
     */
    public static Optional<RtoMode> parse(Object raw) {
        if (raw instanceof Number) {
            return Optional.of(NORM);
        }
        if (raw instanceof String s) {
            return Arrays.stream(values()).filter(m -> m.value().equals(s)).findFirst();
        }
        return Optional.empty();
    }
}
