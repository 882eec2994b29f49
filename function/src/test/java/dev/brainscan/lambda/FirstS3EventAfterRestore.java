package dev.brainscan.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.brainscan.testing.Events;
import dev.brainscan.testing.S3Env;
import java.util.Map;

/**
 * One simulated SnapStart restore, in a fresh JVM: build the app as the init phase does,
 * prime it as {@code beforeCheckpoint} does ({@code full}: HTTP and S3 paths; {@code http}:
 * the HTTP path only, as before; {@code none}), then time the first S3 event and a second
 * one (warm) against the S3 server named in the arguments. Prints
 * {@code FIRST_MS <ms> SECOND_MS <ms>}. Run by {@link PrimingLatencyIT}.
 */
public final class FirstS3EventAfterRestore {
    private FirstS3EventAfterRestore() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        Map<String, String> env = S3Env.env(java.net.URI.create(args[1]));
        LambdaApp app = LambdaApp.create(env);
        switch (mode) {
            case "full" -> app.prime();
            case "http" -> app.primeHttpOnly();
            case "none" -> { }
            default -> throw new IllegalArgumentException(mode);
        }
        S3Event event = Events.s3("s3-put.json");
        ClassifyUploadHandler handler = new ClassifyUploadHandler(app.uploads());
        long t0 = System.nanoTime();
        handler.handleRequest(event, null);
        long t1 = System.nanoTime();
        handler.handleRequest(event, null);
        long t2 = System.nanoTime();
        System.err.printf(java.util.Locale.ROOT, "FIRST_MS %.1f SECOND_MS %.1f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        app.close();
    }
}
