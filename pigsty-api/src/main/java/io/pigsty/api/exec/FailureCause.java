package io.pigsty.api.exec;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in what a failed command printed, the line that names the cause, so that a summary leads
 * with psql's {@code ERROR:} rather than its harmless {@code could not change directory} warning,
 * with apt's "Unable to locate package", or with the unit systemd could not start.
 */
public final class FailureCause {
    // lines programs print on the way that never are the cause
    private static final List<Pattern> NOISE = List.of(
            Pattern.compile("could not change directory to"),
            Pattern.compile("^WARNING: apt does not have a stable CLI interface"),
            Pattern.compile("^debconf: "),
            Pattern.compile("^NOTICE: "),
            Pattern.compile("^(Reading package lists|Building dependency tree|Reading state information)"));
    // the most telling lines first: a program's own error verdict
    private static final List<Pattern> CAUSES = List.of(
            Pattern.compile("^(psql:\\S* )?(ERROR|FATAL|PANIC): .*"),
            Pattern.compile("^psql: error: .*"),
            Pattern.compile("^E: .*"),
            Pattern.compile("^Job for \\S+ failed.*"),
            Pattern.compile("^Failed to \\S+ \\S+\\.(service|timer|socket).*"),
            Pattern.compile("(?i).*\\b(error|fatal|failed|cannot|could not|no such file|permission denied|not found)\\b.*"));
    private static final Pattern JOB = Pattern.compile("^Job for (\\S+) failed");

    private FailureCause() {
    }

    /**
     * @param stdout what the command printed on stdout
     * @param stderr what it printed on stderr
     * @return the line naming the cause; empty when it printed nothing useful
     */
    public static Optional<String> of(String stdout, String stderr) {
        for (Pattern p : CAUSES) {
            for (String text : List.of(stderr, stdout)) {
                for (String line : text.split("\n")) {
                    String l = line.strip();
                    if (!l.isEmpty() && !noise(l) && p.matcher(l).matches()) {
                        return Optional.of(l);
                    }
                }
            }
        }
        for (String text : List.of(stderr, stdout)) {
            List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !noise(l)).toList();
            if (!lines.isEmpty()) {
                return Optional.of(lines.get(lines.size() - 1));
            }
        }
        return Optional.empty();
    }

    /**
     * @param causeLine a line returned by {@link #of}
     * @return the systemd unit it says failed to start, such as {@code keepalived.service}
     */
    public static Optional<String> failedUnit(String causeLine) {
        Matcher m = JOB.matcher(causeLine);
        return m.find() ? Optional.of(m.group(1).replaceAll("\\.$", "")) : Optional.empty();
    }

    private static boolean noise(String line) {
        return NOISE.stream().anyMatch(p -> p.matcher(line).find());
    }
}
