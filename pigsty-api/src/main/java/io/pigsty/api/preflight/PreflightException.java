package io.pigsty.api.preflight;

import io.pigsty.model.PigstyException;

/** A plan was refused before any change because hosts lack what it needs; carries the whole report. */
public class PreflightException extends PigstyException {
    private static final long serialVersionUID = 1L;
    private final transient PreflightReport report;

    /** @param report the problems found */
    public PreflightException(PreflightReport report) {
        super("preflight refused the plan, no host was changed:\n" + report.toText());
        this.report = report;
    }

    /** @return the problems found */
    public PreflightReport report() {
        return report;
    }
}
