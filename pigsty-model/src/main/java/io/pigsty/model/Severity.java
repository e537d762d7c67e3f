package io.pigsty.model;

/** How bad a validation finding is. */
public enum Severity {
    /** The inventory cannot be used; plans refuse it. */
    ERROR,
    /** Usable, but probably a mistake (for example a default password outside the sandbox). */
    WARNING
}
