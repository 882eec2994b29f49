package dev.brainscan.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Powertools-style fields every log line carries in Lambda: {@code cold_start} (the first
 * invocation of this execution environment, a SnapStart restore's included),
 * {@code function_name}, {@code function_version} and, when X-Ray traces the invocation,
 * {@code xray_trace_id}. Outside Lambda (the CLI, {@code serve}, tests) there are none. Lambda
 * runs one invocation at a time per environment, so one counter tells the first.
 */
public final class Invocations {
    private static final AtomicLong STARTED = new AtomicLong();
    /** Where the Java runtime puts the invocation's X-Ray trace header. */
    static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader";

    private Invocations() {
    }

    /** A handler calls this first: one more invocation in this environment. */
    public static void started() {
        STARTED.incrementAndGet();
    }

    /** The fields for a line written now. */
    static Map<String, Object> fields() {
        return fields(System.getenv(), STARTED.get(), System.getProperty(TRACE_PROPERTY));
    }

    /**
     * The fields for a line in invocation number {@code invocation} (0: none yet, as during
     * SnapStart priming) of the function {@code env} describes, with {@code traceHeader}
     * ({@code Root=1-...;Parent=...;Sampled=1}) or null.
     */
    static Map<String, Object> fields(Map<String, String> env, long invocation, String traceHeader) {
        String name = env.get("AWS_LAMBDA_FUNCTION_NAME");
        if (name == null) {
            return Map.of();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (invocation > 0) {
            fields.put("cold_start", invocation == 1);
        }
        fields.put("function_name", name);
        fields.put("function_version", env.getOrDefault("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"));
        if (traceHeader != null) {
            for (String part : traceHeader.split(";")) {
                if (part.startsWith("Root=")) {
                    fields.put("xray_trace_id", part.substring("Root=".length()));
                }
            }
        }
        return fields;
    }
}
