package dev.brainscan.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/** A parity file written by the export (models/training/export.py): random inputs and PyTorch's outputs. */
public record ParityFile(int samples, float[] input, float[] probability, float[] cam) {

    public static ParityFile read(Path file) throws IOException {
        JsonNode json = Json.MAPPER.readTree(file.toFile());
        JsonNode p = json.get("probability");
        float[] probability = new float[p.size()];
        for (int i = 0; i < probability.length; i++) {
            probability[i] = p.get(i).floatValue();
        }
        return new ParityFile(json.get("inputShape").get(0).asInt(), floats(json.get("input")), probability,
                floats(json.get("cam")));
    }

    public float[] input(int i) {
        int per = input.length / samples;
        return Arrays.copyOfRange(input, i * per, (i + 1) * per);
    }

    public float[] cam(int i) {
        int per = cam.length / samples;
        return Arrays.copyOfRange(cam, i * per, (i + 1) * per);
    }

    private static float[] floats(JsonNode node) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(node.asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }
}
