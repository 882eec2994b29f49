package dev.brainscan.log;

import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One structured JSON line per scan: request id, outcome, code, timings, model version.
 * Never image bytes, labels or scores; object keys (which can hold patient names) only as a
 * keyed hash ({@link KeyHash}: HMAC under a per-deployment secret) unless {@code LOG_OBJECT_KEYS=true}.
 * Each scan also goes to the {@link ScanMetrics} (CloudWatch EMF lines in Lambda, nothing by
 * default), whose line carries the score and tier but no key, hash or request id.
 */
public final class ScanLog {
    private static final int MAX_TRACE_CHARS = 16_000;

    private final PrintStream out;
    private final boolean logKeys;
    private final ScanMetrics metrics;

    public ScanLog(PrintStream out, boolean logKeys) {
        this(out, logKeys, ScanMetrics.NONE);
    }

    public ScanLog(PrintStream out, boolean logKeys, ScanMetrics metrics) {
        this.out = out;
        this.logKeys = logKeys;
        this.metrics = metrics;
    }

    public ScanMetrics metrics() {
        return metrics;
    }

    /** The key's HMAC under this deployment's secret ({@link KeyHash}). */
    public static String keyHash(String key) {
        return KeyHash.of(key);
    }

    /** A scan that ran through the classifier (a result or an error result). */
    public void scan(Channel channel, String requestId, String key, ScanResult result) {
        Map<String, Object> line = base("scan", channel, requestId, key);
        line.put("outcome", switch (result.outcome()) {
            case CLASSIFIED -> "classified";
            case REFUSED -> "rejected";
            case FAILED -> "failed";
        });
        if (result.failed()) {
            line.put("code", result.error().code().name());
        }
        line.put("timingsMs", result.timingsMs());
        line.put("model", Map.of("name", result.model().name(), "version", result.model().version()));
        write(line);
        metrics.scan(channel, result);
    }

    /** Something happened to a scan outside the classifier: ignored, retried, storage failures. */
    public void event(Channel channel, String requestId, String key, String outcome, String detail) {
        Map<String, Object> line = base("scan", channel, requestId, key);
        line.put("outcome", outcome);
        if (detail != null) {
            line.put("detail", detail);
        }
        write(line);
        switch (outcome) {
            case "retry" -> metrics.unfinished(channel, ScanMetrics.RETRY);
            case "result-not-written" -> metrics.unfinished(channel, ScanMetrics.NOT_WRITTEN);
            default -> { }
        }
    }

    /**
     * An unexpected failure: the exception and its stack trace, for whoever runs the service.
     * Callers get only a generic message; this line is the only place the detail goes.
     */
    public void internalError(Channel channel, String requestId, String key, Throwable error) {
        Map<String, Object> line = base("scan", channel, requestId, key);
        line.put("outcome", "internal-error");
        line.put("detail", error.toString());
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        String text = trace.toString();
        line.put("stackTrace", text.length() > MAX_TRACE_CHARS ? text.substring(0, MAX_TRACE_CHARS) + "..." : text);
        write(line);
    }

    private Map<String, Object> base(String event, Channel channel, String requestId, String key) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("event", event);
        line.put("channel", channel.label());
        if (requestId != null) {
            line.put("requestId", requestId);
        }
        if (key != null) {
            line.put(logKeys ? "key" : "keyHash", logKeys ? key : keyHash(key));
        }
        line.putAll(Invocations.fields());
        return line;
    }

    private void write(Map<String, Object> line) {
        String json = Json.write(line);
        synchronized (out) {
            out.println(json);
        }
    }
}
