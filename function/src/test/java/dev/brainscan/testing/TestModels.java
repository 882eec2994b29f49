package dev.brainscan.testing;

import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.model.ScanModel;






/** The real bundled model (the bytes of models/), loaded once per test JVM and shared. */
public final class TestModels {
    private static ScanClassifier classifier;

    private TestModels() {
    }

    /**
     * The float network an 8-bit model directory was made from (its manifest's
     * {@code quantized.from}, beside it), loaded through that manifest with the float file's sha256.
     */
    public static ScanModel floatNetwork(ModelSource served, java.nio.file.Path dir) throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ObjectNode manifest = (com.fasterxml.jackson.databind.node.ObjectNode)
                dev.brainscan.core.result.Json.mapper().readTree(served.manifestJson());
        byte[] onnx = java.nio.file.Files.readAllBytes(dir.resolve(manifest.get("quantized").get("from").asText()));
        manifest.put("sha256", ScanModel.sha256(onnx));
        return ScanModel.load(new ModelSource("float network of " + served.description(),
                dev.brainscan.core.result.Json.mapper().writeValueAsBytes(manifest), onnx), 1);
    }

    public static synchronized ScanClassifier classifier() {
        if (classifier == null) {
            classifier = new ScanClassifier(ScanModel.load(ModelSource.bundled(), 1), Limits.DEFAULT);
        }
        return classifier;
    }
}
