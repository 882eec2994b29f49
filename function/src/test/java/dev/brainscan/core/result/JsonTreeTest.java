package dev.brainscan.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link Json#tree}, the streaming tree reader, against the mapper's readTree. */
class JsonTreeTest {
    static void assertSameTree(byte[] json) throws IOException {
        assertEquals(Json.mapper().readTree(json), Json.tree(json), new String(json, StandardCharsets.UTF_8));
    }

    @Test
    void theManifestAndEveryGoldenFile_readAsTheMapperReadsThem() throws IOException {
        assertSameTree(Files.readAllBytes(Path.of("../models/brainscan.json")));
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/golden"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertTrue(files.size() > 5);
        for (Path f : files) {
            assertSameTree(Files.readAllBytes(f));
        }
    }

    @Test
    void numbersStringsAndDuplicates_asTheMapperTypesThem() throws IOException {
        for (String json : List.of("{\"i\":1,\"l\":12345678901,\"b\":123456789012345678901234567890,\"d\":1.5e-7,"
                        + "\"n\":-0.0,\"t\":true,\"f\":false,\"z\":null,\"s\":\"\\u00e9\\\"\\n\",\"a\":[[],{},[1,2.0]]}",
                "{\"k\":1,\"k\":2}", "[1, \"x\", null]", "42", "\"just a string\"")) {
            assertSameTree(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void emptyIsNull_brokenThrows() throws IOException {
        assertNull(Json.tree(new byte[0]));
        assertNull(Json.tree("   ".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> Json.tree("{\"a\": ".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> Json.tree("{\"a\" 1}".getBytes(StandardCharsets.UTF_8)));
    }
}
