package io.pigsty.ha.ops;

import io.pigsty.model.PigstyException;
import java.util.List;

/**
 * A day-2 operation was accepted by the cluster but its end state was not seen in time. The
 * message says what was expected and the last status observed; the operation may still complete.
 */
public final class OperationTimeoutException extends PigstyException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> observations;

    /**
     * @param message      what was expected and what was seen last
     * @param observations everything observed while waiting
     */
    public OperationTimeoutException(String message, List<String> observations) {
        super(message);
        this.observations = List.copyOf(observations);
    }

    /** @return everything observed while waiting */
    public List<String> observations() {
        return observations;
    }

    /** @return true: the cluster may reach the end state if given more time or tried again */
    @Override
    public boolean retryable() {
        return true;
    }
}
