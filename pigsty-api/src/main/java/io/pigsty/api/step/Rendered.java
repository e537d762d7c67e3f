package io.pigsty.api.step;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileSpec;
import java.util.List;

/**
 * What a step would do, known offline: the files it writes (full content) and the commands it
 * runs, in order, plus free notes.
 *
 * @param files    files written
 * @param commands commands run (conditionally ones included: see notes)
 * @param notes    human remarks (for example "runs only when the file changed")
 */
public record Rendered(List<FileSpec> files, List<Command> commands, List<String> notes) {
    /** Canonical constructor: copies lists. */
    public Rendered {
        files = List.copyOf(files);
        commands = List.copyOf(commands);
        notes = List.copyOf(notes);
    }

    /**
     * @param commands commands
     * @return a rendering with only commands
     */
    public static Rendered commands(Command... commands) {
        return new Rendered(List.of(), List.of(commands), List.of());
    }
}
