package dev.brainscan.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The golden comparison itself: it must fail on every kind of drift, or the golden tests prove nothing. */
class GoldenJsonTest {
    static final String GOLDEN = "s3-result-NOT_FOUND.json";

    ObjectNode matching() {
        ObjectNode n = GoldenJson.load(GOLDEN).deepCopy();
        n.put("processedAt", "2026-11-23T10:00:00.123Z");
        ((ObjectNode) n.get("timingsMs")).put("total", 0.01);
        ((ObjectNode) n.get("model")).put("version", "1.0.0").put("sha256", "a".repeat(64));
        return n;
    }

    void assertDrift(ObjectNode actual, String expectedInMessage) {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GoldenJson.assertMatches(GOLDEN, actual));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void aMatchingDocument_passes() {
        GoldenJson.assertMatches(GOLDEN, matching());
    }

    @Test
    void aChangedValue_fails() {
        ObjectNode n = matching();
        ((ObjectNode) n.get("error")).put("code", "INTERNAL");
        assertDrift(n, "$.error.code");
    }

    @Test
    void anExtraOrMissingField_fails() {
        assertDrift(matching().put("label", "tumor"), "fields");
        ObjectNode n = matching();
        n.remove("notice");
        assertDrift(n, "fields");
    }

    @Test
    void reorderedFields_fail() {
        ObjectNode n = matching();
        var notice = n.remove("notice");
        n.set("notice", notice);
        var error = n.remove("error");
        n.set("error", error);
        GoldenJson.assertMatches(GOLDEN, n);
        n.remove("processedAt");
        n.put("processedAt", "2026-11-23T10:00:00.123Z");
        assertDrift(n, "fields");
    }

    @Test
    void aValueThePlaceholderDoesNotAllow_fails() {
        assertDrift(matching().put("processedAt", "yesterday"), "$.processedAt");
        ObjectNode n = matching();
        ((ObjectNode) n.get("model")).put("sha256", "not-a-hash");
        assertDrift(n, "$.model.sha256");
    }
}
