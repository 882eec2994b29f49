package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.config.Config;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.testing.Events;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The production wiring from environment variables, and the SnapStart priming it runs before a snapshot. */
class LambdaAppTest {
    static final Map<String, String> ENV = Map.of("BUCKET", "brainscan-test", "AWS_REGION", "eu-west-1",
            "WRITE_HEATMAPS", "true");

    @Test
    void primingExercisesTheRealHttpClientOnLoopback() {
        // a one-shot server inside the process answers one PUT through the SDK's URL-connection client
        assertTrue(S3Priming.exerciseHttpClient());
    }

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
    void priming_classifiesGeneratedScansThroughHttpAndS3WithoutTouchingTheNetwork() {
        // S3 is unreachable here (no endpoint, no credentials): priming must not need it.
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        int answered = S3Priming.answered();
        // The app's log and metric lines go to the stdout it was built with.
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        LambdaApp app = LambdaApp.create(ENV);
        try {
            app.beforeCheckpoint(null);
            app.afterRestore(null);
        } finally {
            System.setOut(stdout);
            app.close();
        }
        // Three scans, each a GET of the scan, a GET of its result (the ordering check: 404), a
        // PUT of its result and one of its heatmap (WRITE_HEATMAPS=true here), answered inside
        // the process.
        assertEquals(12, S3Priming.answered() - answered);
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("\"channel\":\"s3\"") && out.contains("\"outcome\":\"classified\""), out);
        assertTrue(dev.brainscan.testing.Emf.lines(out).isEmpty(), "priming is not traffic: no metric line");
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
                UploadProcessor.decodeKey("scans/ward+7/patient%2B1/M%C3%BCller+scan.jpg"));
        assertEquals("scans/100%/x.jpg", UploadProcessor.decodeKey("scans/100%/x.jpg"));
    }
}
