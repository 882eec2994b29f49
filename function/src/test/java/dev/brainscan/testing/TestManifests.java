package dev.brainscan.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.model.ScanModel;
import dev.brainscan.core.result.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The shipped manifest with another {@code preprocessing} object (its resize section added). */
public final class TestManifests {
    private TestManifests() {
    }

    /** The shipped network under its manifest with {@code preprocessing.version: 2} (the caller closes it). */
    public static ScanClassifier v2Classifier() {
        return classifierWithPreprocessingVersion(2);
    }

    /** The shipped network under v1 preprocessing (the pipeline of model 1.0.0; the caller closes it). */
    public static ScanClassifier v1Classifier() {
        return classifierWithPreprocessingVersion(1);
    }

    private static ScanClassifier classifierWithPreprocessingVersion(int version) {
        try {
            ModelSource bundled = ModelSource.bundled();
            ObjectNode root = (ObjectNode) Json.mapper().readTree(bundled.manifestJson());
            ((ObjectNode) root.get("preprocessing")).put("version", version);
            return new ScanClassifier(ScanModel.load(new ModelSource("v" + version + " test",
                    Json.mapper().writeValueAsBytes(root), bundled.onnx()), 1), Limits.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ModelManifest with(String preprocessingFields) {
        try {
            ObjectNode root = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(TestPaths.models().resolve("brainscan.json")));
            root.set("preprocessing", Json.mapper().readTree(
                    "{" + preprocessingFields + ", \"resize\": {\"filter\": \"bilinear-antialias\"}}"));
            return ModelManifest.parse(Json.mapper().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
