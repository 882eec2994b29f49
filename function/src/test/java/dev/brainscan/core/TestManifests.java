package dev.brainscan.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.testing.TestPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The shipped manifest with another {@code preprocessing} object (its resize section added). */
final class TestManifests {
    private TestManifests() {
    }

    /** The shipped network under its manifest with {@code preprocessing.version: 2} (the caller closes it). */
    static ScanClassifier v2Classifier() {
        return classifierWithPreprocessingVersion(2);
    }

    /** The shipped network under v1 preprocessing (the pipeline of model 1.0.0; the caller closes it). */
    static ScanClassifier v1Classifier() {
        return classifierWithPreprocessingVersion(1);
    }

    private static ScanClassifier classifierWithPreprocessingVersion(int version) {
        try {
            ModelSource bundled = ModelSource.bundled();
            ObjectNode root = (ObjectNode) Json.MAPPER.readTree(bundled.manifestJson());
            ((ObjectNode) root.get("preprocessing")).put("version", version);
            return new ScanClassifier(ScanModel.load(new ModelSource("v" + version + " test",
                    Json.MAPPER.writeValueAsBytes(root), bundled.onnx()), 1), Limits.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelManifest with(String preprocessingFields) {
        try {
            ObjectNode root = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(TestPaths.models().resolve("brainscan.json")));
            root.set("preprocessing", Json.MAPPER.readTree(
                    "{" + preprocessingFields + ", \"resize\": {\"filter\": \"bilinear-antialias\"}}"));
            return Json.manifest(Json.MAPPER.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
