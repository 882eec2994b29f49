package dev.brainscan.testing;

import dev.brainscan.core.Classification;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.Verdict;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Classifier} without the model, for fast tests of the flow and the HTTP routes:
 * every scan gets the same scripted outcome (a score, a refusal, an internal error or a
 * thrown exception). It uses the bundled manifest, so results name the real model, and
 * records every call. The one place tests build {@link ScanResult}s by hand.
 */
public final class FakeClassifier implements Classifier {
    public static final String PROCESSED_AT = "2026-11-23T10:00:00.000Z";

    /** One call to {@link #run}. */
    public record Call(int bytes, String scanId, Map<String, String> source) {
    }

    private final ModelManifest manifest = bundledManifest();
    private final Limits limits;
    private final Double score;
    private final ErrorCode refusal;
    private final Throwable internal;
    private final RuntimeException thrown;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private FakeClassifier(Limits limits, Double score, ErrorCode refusal, Throwable internal, RuntimeException thrown) {
        this.limits = limits;
        this.score = score;
        this.refusal = refusal;
        this.internal = internal;
        this.thrown = thrown;
    }

    /** Every scan is classified with this score (a 64x48 jpeg, cropped to 40x30 at 10,8). */
    public static FakeClassifier scoring(double score) {
        return new FakeClassifier(Limits.DEFAULT, score, null, null, null);
    }

    /** Every scan is refused with this code. */
    public static FakeClassifier refusing(ErrorCode code) {
        return new FakeClassifier(Limits.DEFAULT, null, code, null, null);
    }

    /** Every scan hits an unexpected failure inside the pipeline, reported as INTERNAL with this cause. */
    public static FakeClassifier failingInternally(Throwable cause) {
        return new FakeClassifier(Limits.DEFAULT, null, null, cause, null);
    }

    /** {@link #run} itself throws (a bug in the pipeline's own error handling). */
    public static FakeClassifier throwing(RuntimeException e) {
        return new FakeClassifier(Limits.DEFAULT, null, null, null, e);
    }

    /**
     * This fake behind a classifier that runs {@code before} first on every {@link #run} (to hold
     * a classify slot, or to fail the way the JVM can), then answers as this fake does.
     */
    public Classifier runningFirst(Runnable before) {
        FakeClassifier fake = this;
        return new Classifier() {
            @Override
            public ModelManifest manifest() {
                return fake.manifest();
            }

            @Override
            public Limits limits() {
                return fake.limits();
            }

            @Override
            public Classification run(byte[] bytes, String scanId, Map<String, String> source, boolean heatmap) {
                before.run();
                return fake.run(bytes, scanId, source, heatmap);
            }

            @Override
            public ScanResult failure(String scanId, Map<String, String> source, ErrorCode code, String message) {
                return fake.failure(scanId, source, code, message);
            }
        };
    }

    public FakeClassifier withLimits(Limits newLimits) {
        return new FakeClassifier(newLimits, score, refusal, internal, thrown);
    }

    public List<Call> calls() {
        return calls;
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public Limits limits() {
        return limits;
    }

    /** The heatmap a classified scan carries when one is asked for: {@code PNG-of-<scanId>} in UTF-8. */
    public static byte[] heatmapOf(String scanId) {
        return ("PNG-of-" + scanId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Classification run(byte[] bytes, String scanId, Map<String, String> source, boolean heatmap) {
        calls.add(new Call(bytes.length, scanId, Map.copyOf(source)));
        if (thrown != null) {
            throw thrown;
        }
        if (refusal != null) {
            return Classification.of(failure(scanId, source, refusal, "Refused: " + refusal.name() + "."));
        }
        if (internal != null) {
            return new Classification(failure(scanId, source, ErrorCode.INTERNAL, ScanClassifier.INTERNAL_MESSAGE), null,
                    internal);
        }
        Verdict verdict = new Verdict(manifest);
        ScanResult result = ScanResult.classified(manifest.stamp(), scanId, source, new ScanResult.Decision(
                verdict.label(score), score, verdict.tier(score), null, verdict.threshold()),
                new ScanResult.ImageInfo("jpeg", 64, 48), new CropBox(10, 8, 40, 30), null, null, Map.of("total", 1.0));
        return new Classification(result, heatmap ? heatmapOf(scanId) : null, null);
    }

    @Override
    public ScanResult failure(String scanId, Map<String, String> source, ErrorCode code, String message) {
        return ScanResult.failed(manifest.stamp(), scanId, source, code, message, Map.of("total", 0.0));
    }

    private static ModelManifest bundledManifest() {
        try (InputStream in = FakeClassifier.class.getResourceAsStream("/model/brainscan.json")) {
            return ModelManifest.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
