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

    public static synchronized ScanClassifier classifier() {
        if (classifier == null) {
            classifier = new ScanClassifier(ScanModel.load(ModelSource.bundled(), 1), Limits.DEFAULT);
        }
        return classifier;
    }
}
