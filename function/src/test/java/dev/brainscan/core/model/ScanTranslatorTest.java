package dev.brainscan.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.translate.TranslatorContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Translator on fixed tensors, with the ONNX Runtime engine's NDManager and no model. */
class ScanTranslatorTest {
    static final ModelManifest.Input INPUT = new ModelManifest.Input("image", 4, 4, 3, "NCHW",
            new float[] {0.5f, 0.25f, 0.0f}, new float[] {0.25f, 0.5f, 1.0f});
    static NDManager manager;

    @BeforeAll
    static void engine() {
        OfflineRuntime.apply();
        manager = NDManager.newBaseManager(Device.cpu(), "OnnxRuntime");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static TranslatorContext context() {
        return new TranslatorContext() {
            public Model getModel() {
                return null;
            }

            public NDManager getNDManager() {
                return manager;
            }

            public NDManager getPredictorManager() {
                return manager;
            }

            public Block getBlock() {
                return null;
            }

            public Metrics getMetrics() {
                return null;
            }

            public Object getAttachment(String key) {
                return null;
            }

            public void setAttachment(String key, Object value) {
            }

            public void close() {
            }
        };
    }

    @Test
    void processInput_passesThePreprocessedTensorAsTheNamedImageInput() {
        float[] chw = new float[48];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = i / 7f - 3f;
        }
        NDList list = new ScanTranslator(INPUT).processInput(context(), chw);

        NDArray image = list.singletonOrThrow();
        assertEquals("image", image.getName());
        assertEquals(new Shape(1, 3, 4, 4), image.getShape());
        assertArrayEquals(chw, image.toFloatArray());
    }

    @Test
    void processInput_refusesATensorOfAnotherSize() {
        assertThrows(IllegalArgumentException.class,
                () -> new ScanTranslator(INPUT).processInput(context(), new float[47]));
    }

    @Test
    void processOutput_readsTheNamedOutputsWhateverTheirOrder() {
        NDArray cam = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 2, 3));
        cam.setName("cam");
        NDArray probability = manager.create(new float[] {0.875f}, new Shape(1, 1));
        probability.setName("probability");

        Prediction p = new ScanTranslator(INPUT).processOutput(context(), new NDList(cam, probability));

        assertEquals(0.875f, p.probability());
        assertEquals(2, p.camHeight());
        assertEquals(3, p.camWidth());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, p.cam());
    }
}
