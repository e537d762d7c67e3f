package io.pigsty.ha.ops;

import io.pigsty.model.PigstyException;
import java.util.List;

/**
 * A day-2 operation refused before anything was asked of the cluster, with every reason found
 * (no leader, no healthy candidate, a candidate lagging more than {@code pg_rpo}, ...).
 */
public final class OperationRefusedException extends PigstyException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> reasons;

    /**
     * @param operation the refused operation
     * @param reasons   why, one line each
     */
    public OperationRefusedException(String operation, List<String> reasons) {
        super(operation + " refused: " + String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    /** @return why the operation was refused, one line each */
    public List<String> reasons() {
        return reasons;
    }
}
