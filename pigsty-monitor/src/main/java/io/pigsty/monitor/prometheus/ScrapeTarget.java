package io.pigsty.monitor.prometheus;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One file_sd target: the address Prometheus scrapes for one job on one instance, and the labels
 * Pigsty puts on it ({@code cls}, {@code ins}, {@code ip}, {@code job}).
 *
 * @param job     the scrape job
 * @param ins     the instance name, e.g. {@code pg-test-1}; also the target file's base name
 * @param address {@code host:port}, e.g. {@code 10.213.0.11:9630}
 * @param labels  target labels, sorted, unmodifiable
 */
public record ScrapeTarget(ScrapeJob job, String ins, String address, SortedMap<String, String> labels) {
    /**
     * Canonical constructor: rejects nulls and blanks, copies the labels.
     *
     * @param job     the scrape job
     * @param ins     the instance name
     * @param address {@code host:port}
     * @param labels  target labels
     */
    public ScrapeTarget {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(ins, "ins");
        Objects.requireNonNull(address, "address");
        if (ins.isBlank() || ins.contains("/")) {
            throw new io.pigsty.model.InvalidValueException("ins", ins, "an instance name must be a plain file name");
        }
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /** @return the target file relative to the targets directory, e.g. {@code pgsql/pg-test-1.yml} */
    public String fileName() {
        return job.jobName() + "/" + ins + ".yml";
    }
}
