package dev.brainscan.log;

/**
 * The way a scan came in, as the log lines and the metrics' {@code Channel} dimension name it
 * (docs/contracts.md, section 8.1).
 */
public enum Channel {
    /** An S3 upload event (the upload function). */
    S3("s3"),
    /** An S3 Batch Operations backfill over objects already in the bucket. */
    BATCH("batch"),
    /** The HTTP API ({@code POST /classify}, {@code /uploads}, {@code /results}) and the local server. */
    HTTP("http"),
    /** The failure queue: an upload whose every try failed gets its error result. */
    FAILURE_QUEUE("failure-queue");

    private final String label;

    Channel(String label) {
        this.label = label;
    }

    /** The name in log lines and metrics. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
