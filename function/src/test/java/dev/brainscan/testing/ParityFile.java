package dev.brainscan.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * A parity file written by the export (models/training/export.py): random inputs and PyTorch's
 * outputs; {@code tumorType} ([samples x 3]) is null for a model without that output.
 */
public record ParityFile(int samples, float[] input, float[] probability, float[] cam, float[] tumorType) {

    public static ParityFile read(Path file) throws IOException {
        JsonNode json = Json.mapper().readTree(file.toFile());
        JsonNode p = json.get("probability");
        float[] probability = new float[p.size()];
        for (int i = 0; i < probability.length; i++) {
            probability[i] = p.get(i).floatValue();
        }
        float[] types = null;
        JsonNode t = json.get("tumorType");
        if (t != null) {
            types = new float[t.size()];
            for (int i = 0; i < types.length; i++) {
                types[i] = t.get(i).floatValue();
            }
        }
        return new ParityFile(json.get("inputShape").get(0).asInt(), floats(json.get("input")), probability,
                floats(json.get("cam")), types);
    }

    public float[] input(int i) {
        int per = input.length / samples;
        return Arrays.copyOfRange(input, i * per, (i + 1) * per);
    }

    public float[] cam(int i) {
        int per = cam.length / samples;
        return Arrays.copyOfRange(cam, i * per, (i + 1) * per);
    }

    /** The tumour-type probabilities of sample i, or null. */
    public float[] tumorType(int i) {
        if (tumorType == null) {
            return null;
        }
        int per = tumorType.length / samples;
        return Arrays.copyOfRange(tumorType, i * per, (i + 1) * per);
    }

    private static float[] floats(JsonNode node) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(node.asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }
}
