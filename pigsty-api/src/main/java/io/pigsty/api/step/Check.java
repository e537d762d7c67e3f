package io.pigsty.api.step;

import java.util.Objects;

/** Result of a read-only {@link Step#check}: converged, or a change described for a human. */
public sealed interface Check permits Check.Ok, Check.Change {
    /** Converged. */
    record Ok() implements Check {
    }

    /**
     * Would change.
     *
     * @param diff a human description: a unified diff for files, a sentence for commands
     */
    record Change(String diff) implements Check {
        /** Canonical constructor: no null. */
        public Change {
            Objects.requireNonNull(diff, "diff");
        }
    }

    /** @return the converged result */
    static Check ok() {
        return new Ok();
    }

    /**
     * @param diff what would change
     * @return a change
     */
    static Check change(String diff) {
        return new Change(diff);
    }

    /** @return true when converged */
    default boolean isOk() {
        return this instanceof Ok;
    }
}
