package dev.brainscan.flow;

import dev.brainscan.core.Json;
import dev.brainscan.core.ScanModel;
import dev.brainscan.core.ScanResult;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One structured JSON line per scan: request id, outcome, code, timings, model version.
 * Never image bytes, labels or scores; object keys (which can hold patient names) only as a
 * hash unless {@code LOG_OBJECT_KEYS=true}.
 */
public final class ScanLog {
    private final PrintStream out;
    private final boolean logKeys;

    public ScanLog(PrintStream out, boolean logKeys) {
        this.out = out;
        this.logKeys = logKeys;
    }

    public static String keyHash(String key) {
        return ScanModel.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** A scan that ran through the classifier (a result or an error result). */
    public void scan(String channel, String requestId, String key, ScanResult result) {
        Map<String, Object> line = base("scan", channel, requestId, key);
        line.put("outcome", result.failed() ? (result.httpStatus() >= 500 ? "failed" : "rejected") : "classified");
        if (result.failed()) {
            line.put("code", result.error().code());
        }
        line.put("timingsMs", result.timingsMs());
        line.put("model", Map.of("name", result.model().name(), "version", result.model().version()));
        write(line);
    }

    /** Something happened to a scan outside the classifier: ignored, retried, storage failures. */
    public void event(String channel, String requestId, String key, String outcome, String detail) {
        Map<String, Object> line = base("scan", channel, requestId, key);
        line.put("outcome", outcome);
        if (detail != null) {
            line.put("detail", detail);
        }
        write(line);
    }

    private Map<String, Object> base(String event, String channel, String requestId, String key) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("event", event);
        line.put("channel", channel);
        if (requestId != null) {
            line.put("requestId", requestId);
        }
        if (key != null) {
            line.put(logKeys ? "key" : "keyHash", logKeys ? key : keyHash(key));
        }
        return line;
    }

    private void write(Map<String, Object> line) {
        String json = Json.write(line);
        synchronized (out) {
            out.println(json);
        }
    }
}
