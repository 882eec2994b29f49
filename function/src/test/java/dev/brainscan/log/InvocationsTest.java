package dev.brainscan.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Powertools-style fields on every log line in Lambda, and none elsewhere. */
class InvocationsTest {
    static final Map<String, String> LAMBDA = Map.of("AWS_LAMBDA_FUNCTION_NAME", "brainscan-ClassifyUploadFunction-x",
            "AWS_LAMBDA_FUNCTION_VERSION", "7");

    @Test
    void inLambda_theFirstInvocationIsTheColdStartAndTheFunctionAndVersionAreNamed() {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("cold_start", true);
        first.put("function_name", "brainscan-ClassifyUploadFunction-x");
        first.put("function_version", "7");
        assertEquals(first, Invocations.fields(LAMBDA, 1, null));
        assertEquals(false, Invocations.fields(LAMBDA, 2, null).get("cold_start"));
        assertEquals("1-5759e988-bd862e3fe1be46a994272793",
                Invocations.fields(LAMBDA, 2, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
                        .get("xray_trace_id"));
    }

    @Test
    void beforeAnyInvocation_asDuringSnapStartPriming_thereIsNoColdStartField() {
        assertEquals(Map.of("function_name", "brainscan-ClassifyUploadFunction-x", "function_version", "7"),
                Invocations.fields(LAMBDA, 0, null));
    }

    @Test
    void outsideLambda_noFields() {
        assertEquals(Map.of(), Invocations.fields(Map.of(), 3, "Root=1-x"));
    }
}
