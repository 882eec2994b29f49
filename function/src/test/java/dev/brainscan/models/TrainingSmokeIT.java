package dev.brainscan.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.model.Prediction;
import dev.brainscan.core.model.ScanModel;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.ParityFile;
import dev.brainscan.testing.Prerequisites;
import dev.brainscan.testing.TestPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training pipeline cannot rot: models/training/smoke_test.py trains on generated
 * phantoms, exports and checks the ONNX file; then this side loads that fresh export with
 * DJL + ONNX Runtime (sha256 checked), matches its PyTorch parity file and classifies.
 */
class TrainingSmokeIT {
    @TempDir
    Path out;

    @TempDir
    Path tmp;

    @Test
    void trainExportAndServeATinyModel() throws Exception {
        Prerequisites.require(Prerequisites.pythonModules("torch", "torchvision", "onnx", "cv2", "matplotlib", "scipy"),
                "Debian's python3-torch/-torchvision/-onnx/-opencv/-matplotlib/-scipy");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3",
                TestPaths.repoRoot().resolve("models/training/smoke_test.py").toString(), "--out", out.toString())
                .redirectErrorStream(true);
        pb.environment().put("TMPDIR", tmp.toString()); // Python's tempfile honours it: see what it leaves
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        assertTrue(log.contains("smoke test passed"), log);
        try (var left = java.nio.file.Files.list(tmp)) {
            assertEquals(java.util.List.of(), left.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("brainscan-smoke-")).toList(),
                    "the smoke test's data and cache folder is removed at the end");
        }

        // the trained float network against PyTorch's outputs (quantize.py kept it beside the 8-bit file)
        ModelSource served = ModelSource.directory(out);
        try (ScanModel fp32 = dev.brainscan.testing.TestModels.floatNetwork(served, out)) {
            ParityFile parity = ParityFile.read(out.resolve("brainscan.parity.json"));
            for (int i = 0; i < parity.samples(); i++) {
                Prediction prediction = fp32.predict(parity.input(i));
                assertEquals(parity.probability()[i], prediction.probability(), 1e-4);
                for (int k = 0; k < 3; k++) {
                    assertEquals(parity.tumorType(i)[k], prediction.tumorType()[k], 1e-4);
                }
            }
        }

        // the served 8-bit model through the classifier
        try (ScanModel model = ScanModel.load(served, 1)) {
            assertEquals("brainscan-smoke", model.manifest().name());

            ScanClassifier classifier = new ScanClassifier(model, Limits.DEFAULT);
            ScanResult r = classifier.classify(Phantom.jpeg(3, 128, 128, true), "smoke", Map.of("file", "smoke"));
            assertFalse(r.failed(), String.valueOf(r.error()));
            assertEquals("0.0.1-smoke", r.model().version());
            assertEquals(java.util.List.of("glioma", "meningioma", "pituitary"),
                    java.util.List.copyOf(r.tumorType().probabilities().keySet()));
            double total = r.tumorType().probabilities().values().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, total, 1e-3, "softmax probabilities");
            assertTrue(r.tumorType().probabilities().get(r.tumorType().label())
                    >= java.util.Collections.max(r.tumorType().probabilities().values()), "label is the most likely");
        }
    }
}
