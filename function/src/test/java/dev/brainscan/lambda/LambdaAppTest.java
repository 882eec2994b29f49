package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.config.Config;
import dev.brainscan.testing.Events;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The production wiring from environment variables, and the SnapStart priming it runs before a snapshot. */
class LambdaAppTest {
    static final Map<String, String> ENV = Map.of("BUCKET", "brainscan-test", "AWS_REGION", "eu-west-1",
            "WRITE_HEATMAPS", "true");

    @Test
    void create_fromTheEnvironment_servesTheRoutes() {
        LambdaApp app = LambdaApp.create(ENV);
        try {
            assertEquals("brainscan-test", app.config().bucket());
            assertEquals(200, new ServeApiRequestHandler(app.http())
                    .handleRequest(Events.http("http-health.json"), null).getStatusCode());
        } finally {
            app.close();
        }
    }

    @Test
    void priming_classifiesGeneratedScansWithoutTouchingTheNetwork() {
        // S3 is unreachable here (no endpoint, no credentials): priming must not need it.
        LambdaApp app = LambdaApp.create(ENV);
        try {
            app.beforeCheckpoint(null);
            app.afterRestore(null);
        } finally {
            app.close();
        }
    }

    @Test
    void badVariables_failAtStartNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("MAX_IMAGE_PIXELS", "lots")));
        assertTrue(e.getMessage().contains("MAX_IMAGE_PIXELS"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("WRITE_HEATMAPS", "maybe")));
        assertTrue(e.getMessage().contains("WRITE_HEATMAPS"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("INPUT_PREFIX", "data/", "RESULT_PREFIX", "data/results/")));
        assertTrue(e.getMessage().contains("INPUT_PREFIX"), e.getMessage());
    }

    @Test
    void s3EventKeys_areUrlDecoded() {
        assertEquals("scans/ward 7/patient+1/Müller scan.jpg",
                ClassifyUploadHandler.decodeKey("scans/ward+7/patient%2B1/M%C3%BCller+scan.jpg"));
        assertEquals("scans/100%/x.jpg", ClassifyUploadHandler.decodeKey("scans/100%/x.jpg"));
    }
}
