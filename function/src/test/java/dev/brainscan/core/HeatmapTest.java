package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.model.Prediction;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.Json;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.TestModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The activation overlay: at the crop's size, and hot where a phantom's bright lesion is. */
class HeatmapTest {
    @Test
    void hotRegion_liesInsideTheCropAndOnTheLesion() throws Exception {
        ScanClassifier classifier = TestModels.classifier();
        for (int i = 0; i < 8; i++) {
            Phantom.Slice slice = Phantom.generate(900 + i, 256, 256, true);
            // The classifier draws the heatmap itself; the test's renderer also keeps the map it drew from.
            Prediction[] drawn = new Prediction[1];
            Classification c = classifier.run(Phantom.encode(slice.image(), "png"), "p", Map.of(),
                    (crop, p) -> {
                        drawn[0] = p;
                        return Heatmap.png(crop, p);
                    });
            CropBox box = c.result().crop();
            Prediction prediction = drawn[0];
            // The hottest cell of the map (the overlay saturates on an absolute scale, so the
            // cell, not the drawn pixel, says where the evidence peaks), at its centre.
            float[] cam = prediction.cam();
            int hottest = 0;
            for (int k = 1; k < cam.length; k++) {
                if (cam[k] > cam[hottest]) {
                    hottest = k;
                }
            }
            int cw = prediction.camWidth();
            int ch = prediction.camHeight();
            int x = box.x() + (int) ((hottest % cw + 0.5) * box.width() / cw);
            int y = box.y() + (int) ((hottest / cw + 0.5) * box.height() / ch);
            assertTrue(x >= box.x() && x < box.x() + box.width() && y >= box.y() && y < box.y() + box.height());
            // ... and the overlay is at its brightest on the lesion.
            float[] evidence = Heatmap.evidence(prediction, box.width(), box.height());
            float max = 0;
            for (float v : evidence) {
                max = Math.max(max, v);
            }
            int lx = Math.min(Math.max(slice.lesion().x() - box.x(), 0), box.width() - 1);
            int ly = Math.min(Math.max(slice.lesion().y() - box.y(), 0), box.height() - 1);
            assertTrue(evidence[ly * box.width() + lx] >= 0.9f * max, "phantom " + i + ": overlay at the lesion "
                    + evidence[ly * box.width() + lx] + ", brightest " + max);
            // The map has 8x8 cells over the crop: allow two lesion radii or one cell, whichever is larger.
            double cell = Math.max(box.width(), box.height()) / (double) prediction.camWidth();
            double distance = Math.hypot(x - slice.lesion().x(), y - slice.lesion().y());
            assertTrue(distance <= Math.max(2.0 * slice.lesion().radius(), cell), String.format(Locale.ROOT,
                    "phantom %d: hottest point (%d,%d) is %.0f px from the lesion at (%d,%d) r=%d", i, x, y, distance,
                    slice.lesion().x(), slice.lesion().y(), slice.lesion().radius()));

            BufferedImage png = ImageIO.read(new ByteArrayInputStream(c.heatmapPng()));
            assertEquals(box.width(), png.getWidth());
            assertEquals(box.height(), png.getHeight());
        }
    }

    /** Asked for, the heatmap comes with a classified scan's outcome; not asked for, it does not. */
    @Test
    void heatmap_isDrawnOnlyWhenAskedFor() throws Exception {
        ScanClassifier classifier = TestModels.classifier();
        byte[] scan = Phantom.jpeg(5, 256, 256, true);
        Classification with = classifier.run(scan, "p", Map.of(), true);
        Classification without = classifier.run(scan, "p", Map.of(), false);
        assertEquals(with.result().crop(), without.result().crop());
        assertEquals(with.result().score(), without.result().score());
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(with.heatmapPng()));
        assertEquals(with.result().crop().width(), png.getWidth());
        assertEquals(null, without.heatmapPng());
        assertEquals(null, classifier.run(new byte[] {1, 2, 3}, "x", Map.of(), true).heatmapPng(),
                "no heatmap for a refused scan");
    }

    @Test
    void noPositiveEvidence_leavesTheScanUncoloured() {
        byte[] grey = new byte[40 * 30 * 3];
        java.util.Arrays.fill(grey, (byte) 90);
        RgbImage crop = new RgbImage("test", 40, 30, grey);
        float[] cam = new float[64];
        java.util.Arrays.fill(cam, -3f);
        BufferedImage img = Heatmap.overlay(crop, new Prediction(0.01f, cam, 8, 8));
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                assertEquals(0x5a5a5a, img.getRGB(x, y) & 0xffffff);
            }
        }
    }

    /**
     * A cleared scan (score 0.06: the map's mean, the logit, is -2.75) whose one cell leans
     * towards tumour by 3.2 logit units, the median hottest cell of a no-tumour validation
     * scan, is drawn faintly; per-image min-max (or "the map's maximum") scaling drew that
     * cell at full colour. A tumour-like cell (30; the median on tumour scans is 33) is bright.
     */
    @Test
    void overlayStrength_followsTheEvidenceNotTheScansOwnMaximum() {
        float[] cleared = new float[64];
        java.util.Arrays.fill(cleared, -2.85f);
        cleared[27] = 3.2f;
        float[] weak = Heatmap.evidence(new Prediction(0.06f, cleared, 8, 8), 8, 8);
        float hottest = 0;
        for (float v : weak) {
            hottest = Math.max(hottest, v);
        }
        assertTrue(hottest > 0 && hottest < 0.15f, "hottest " + hottest);

        float[] tumour = cleared.clone();
        tumour[27] = 30f;
        float[] strong = Heatmap.evidence(new Prediction(0.99f, tumour, 8, 8), 8, 8);
        assertTrue(strong[27] > 0.9f, "hottest " + strong[27]);
        assertEquals(weak[27] * 30f / 3.2f, strong[27], 1e-4, "one absolute scale for every scan");
    }

    /** A 3500 px scan's synchronous answer with its heatmap stays under Lambda's 6 MB; the overlay is 512 px. */
    @Test
    void largeScan_overlayIsCappedAndTheResponseFitsLambdasLimit() throws Exception {
        ScanClassifier classifier = TestModels.classifier();
        byte[] scan = Phantom.jpeg(77, 3500, 3500, true);
        dev.brainscan.http.HttpApi api = new dev.brainscan.http.HttpApi(classifier, null, null,
                new dev.brainscan.http.HttpApi.Settings("", "scans/", "results/", 4_000_000),
                new dev.brainscan.log.ScanLog(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false));
        var event = com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.builder()
                .withRawPath("/classify").withQueryStringParameters(Map.of("heatmap", "true"))
                .withHeaders(Map.of("content-type", "image/jpeg")).withIsBase64Encoded(true)
                .withBody(java.util.Base64.getEncoder().encodeToString(scan))
                .withRequestContext(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext
                        .builder().withRequestId("big").withHttp(com.amazonaws.services.lambda.runtime.events
                                .APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build()).build())
                .build();
        var response = api.handle(event);
        assertEquals(200, response.getStatusCode(), response.getBody());
        var body = Json.mapper().readTree(response.getBody());
        CropBox box = Json.mapper().treeToValue(body.get("crop"), CropBox.class);
        assertTrue(Math.max(box.width(), box.height()) > 2000, "the crop is large: " + box);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(
                java.util.Base64.getDecoder().decode(body.get("heatmapPng").asText())));
        assertEquals(Heatmap.MAX_SIDE, Math.max(png.getWidth(), png.getHeight()));
        assertEquals((double) box.width() / box.height(), (double) png.getWidth() / png.getHeight(), 0.01);
        // Lambda's synchronous limit is 6 MB for the whole response (the API envelope adds little).
        assertTrue(response.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 5_000_000,
                "response is " + response.getBody().length() + " bytes");
    }
}
