package dev.brainscan.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the model comes from: the two files of a model directory ({@code --model DIR},
 * {@code MODEL_DIR}) or the copy bundled in the jar / Lambda package under {@code /model}.
 */
public record ModelSource(String description, byte[] manifestJson, byte[] onnx) {
    public static final String MANIFEST = "brainscan.json";
    public static final String DEFAULT_ONNX = "brainscan.onnx";

    public static ModelSource directory(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        try {
            byte[] json = Files.readAllBytes(manifest);
            String file = onnxFileName(json);
            Path onnx = dir.resolve(file).normalize();
            if (!onnx.getParent().equals(dir.normalize())) {
                throw new ModelLoadException("model manifest: file must name a file beside the manifest");
            }
            return new ModelSource(dir.toString(), json, Files.readAllBytes(onnx));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    public static ModelSource bundled() {
        byte[] json = resource("/model/" + MANIFEST);
        return new ModelSource("bundled", json, resource("/model/" + onnxFileName(json)));
    }

    /** The manifest's {@code file}, read before the manifest is validated (it names what to load). */
    private static String onnxFileName(byte[] manifestJson) {
        try {
            JsonNode tree = Json.tree(manifestJson);
            JsonNode file = tree == null ? null : tree.get("file");
            return file == null || file.asText().isBlank() ? DEFAULT_ONNX : file.asText();
        } catch (IOException e) {
            throw new ModelLoadException("model manifest is not valid JSON", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ModelSource.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new ModelLoadException("the bundled model is missing " + name + " (was the jar built from models/?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the bundled model " + name, e);
        }
    }
}
