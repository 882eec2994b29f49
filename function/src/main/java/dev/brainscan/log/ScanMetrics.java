package dev.brainscan.log;

import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Scan metrics as CloudWatch embedded-metric-format (EMF) log lines, namespace {@code brainscan}
 * (docs/contracts.md, section 8.1). One line per scan, written beside the scan's log line; CloudWatch Logs turns
 * it into metrics, with no API call and no library. Written by hand against the published EMF
 * specification: a root object with {@code _aws.Timestamp} (epoch ms) and
 * {@code _aws.CloudWatchMetrics} directives whose dimension and metric names are members of the
 * root.
 *
 * <p>Metrics, each by {@code Channel} ({@code s3}, {@code batch}, {@code http}) and for the
 * whole service (no dimension) where an alarm needs it:
 * <ul>
 * <li>{@code Scans} (Count), also by {@code Channel} and {@code Code}: {@code OK} for a
 *     classified scan, the error code of an error result, {@code RETRY} for a transient storage
 *     failure (the event is retried), {@code NOT_WRITTEN} where no result could be written;</li>
 * <li>{@code Refused} (Count, 1 for a client-error code: the input was refused) and
 *     {@code Failed} (Count, 1 for INTERNAL or NOT_WRITTEN): the refusal and failure shares;</li>
 * <li>{@code Latency} (Milliseconds): the classifier's total time for the scan;</li>
 * <li>{@code Score} (None): the tumour probability of each classified scan, whose percentiles and
 *     trimmed counts ({@code TC(0.9:1)}) draw the score histogram that shows drift;</li>
 * <li>{@code Classified} (Count) by {@code Channel} and {@code RiskTier}: tier counts.</li>
 * </ul>
 * A line carries no key, file name, request id or any other identifier: only the channel, the
 * code, the tier, the model version and the numbers.
 */
public final class ScanMetrics {
    public static final String NAMESPACE = "brainscan";
    public static final String RETRY = "RETRY";
    public static final String NOT_WRITTEN = "NOT_WRITTEN";
    public static final String OK = "OK";

    /** Writes nothing: the CLI and {@code serve} unless asked. */
    public static final ScanMetrics NONE = new ScanMetrics(null, System::currentTimeMillis);

    private final PrintStream out;
    private final LongSupplier clock;
    private volatile boolean muted;

    private ScanMetrics(PrintStream out, LongSupplier clock) {
        this.out = out;
        this.clock = clock;
    }

    /** EMF lines to {@code out} (in Lambda: standard output, which goes to the function's log group). */
    public static ScanMetrics emf(PrintStream out) {
        return new ScanMetrics(out, System::currentTimeMillis);
    }

    static ScanMetrics emf(PrintStream out, LongSupplier clock) {
        return new ScanMetrics(out, clock);
    }

    /**
     * Runs {@code work} with no line written: SnapStart priming classifies generated scans that
     * are not traffic. Their lines are still built and serialised, only not printed, so the
     * first real request does not pay for that code's first run after a restore.
     */
    public void muted(Runnable work) {
        muted = true;
        try {
            work.run();
        } finally {
            muted = false;
        }
    }

    /** A scan that ran through the classifier: a result or an error result. */
    public void scan(Channel channel, ScanResult result) {
        if (out == null) {
            return;
        }
        String code = result.failed() ? result.error().code().name() : OK;
        Map<String, Object> line = base(channel, code, result.outcome() == ScanResult.Outcome.REFUSED,
                result.outcome() == ScanResult.Outcome.FAILED);
        List<Object> directives = directives(line);
        Double total = result.timingsMs() == null ? null : result.timingsMs().get("total");
        List<Object> perChannel = new ArrayList<>();
        if (total != null) {
            line.put("Latency", round(total, 2));
            perChannel.add(metric("Latency", "Milliseconds"));
        }
        if (!result.failed() && result.score() != null) {
            line.put("Score", round(result.score(), 4));
            perChannel.add(metric("Score", "None"));
        }
        if (!perChannel.isEmpty()) {
            directives.add(directive(List.of(List.of("Channel")), perChannel));
        }
        if (!result.failed() && result.riskTier() != null) {
            line.put("RiskTier", result.riskTier());
            line.put("Classified", 1);
            directives.add(directive(List.of(List.of("Channel", "RiskTier")), List.of(metric("Classified", "Count"))));
        }
        if (result.model() != null) {
            line.put("ModelVersion", result.model().version());
        }
        write(line);
    }

    /** An object that got no result this time: {@link #RETRY} (transient, retried) or {@link #NOT_WRITTEN}. */
    public void unfinished(Channel channel, String code) {
        if (out == null) {
            return;
        }
        Map<String, Object> line = base(channel, code, false, NOT_WRITTEN.equals(code));
        directives(line);
        write(line);
    }

    private Map<String, Object> base(Channel channel, String code, boolean refused, boolean failed) {
        Map<String, Object> line = new LinkedHashMap<>();
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", clock.getAsLong());
        aws.put("CloudWatchMetrics", new ArrayList<>());
        line.put("_aws", aws);
        line.put("Channel", channel.label());
        line.put("Code", code);
        line.put("Scans", 1);
        line.put("Refused", refused ? 1 : 0);
        line.put("Failed", failed ? 1 : 0);
        return line;
    }

    /** The directives every line has; returns the list so that a scan can add its own. */
    @SuppressWarnings("unchecked")
    private static List<Object> directives(Map<String, Object> line) {
        List<Object> directives = (List<Object>) ((Map<String, Object>) line.get("_aws")).get("CloudWatchMetrics");
        directives.add(directive(List.of(List.of("Channel", "Code"), List.of("Channel"), List.of()),
                List.of(metric("Scans", "Count"))));
        directives.add(directive(List.of(List.of("Channel"), List.of()),
                List.of(metric("Refused", "Count"), metric("Failed", "Count"))));
        return directives;
    }

    private static Map<String, Object> directive(List<List<String>> dimensions, List<Object> metrics) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("Namespace", NAMESPACE);
        d.put("Dimensions", dimensions);
        d.put("Metrics", metrics);
        return d;
    }

    private static Map<String, Object> metric(String name, String unit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", name);
        m.put("Unit", unit);
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private void write(Map<String, Object> line) {
        String json = Json.write(line);
        if (muted) {
            return;
        }
        synchronized (out) {
            out.println(json);
        }
    }
}
