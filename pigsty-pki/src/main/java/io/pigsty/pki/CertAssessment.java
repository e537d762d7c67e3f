package io.pigsty.pki;

import java.util.List;

/**
 * Whether a certificate found on a host still serves a request, and if not, why.
 *
 * @param reissue true when a new certificate must replace it
 * @param reasons why, one line each (empty when it is kept)
 */
public record CertAssessment(boolean reissue, List<String> reasons) {
    /** Canonical constructor: copies the list. */
    public CertAssessment {
        reasons = List.copyOf(reasons);
    }

    /** @return the assessment of a certificate that still serves its request */
    public static CertAssessment keep() {
        return new CertAssessment(false, List.of());
    }

    /**
     * @param reasons why it must be replaced
     * @return a reissue assessment
     */
    public static CertAssessment reissue(List<String> reasons) {
        return new CertAssessment(true, reasons);
    }
}
