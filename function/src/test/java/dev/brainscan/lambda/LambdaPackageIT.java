package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.testing.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda zip on its own: unpacked, with only its root and lib/*.jar on the class path
 * (as the java21 runtime loads it), both handlers are built by their no-argument
 * constructors from environment variables and answer sample events. Proves the package
 * (natives cut to one architecture, unused libraries left out) is complete.
 */
class LambdaPackageIT {
    @TempDir
    Path dir;

    static final String PROBE = """
            import com.amazonaws.services.lambda.runtime.events.*;
            import dev.brainscan.lambda.*;
            import java.nio.file.*;
            import java.util.*;
            public class Probe {
                public static void main(String[] a) throws Exception {
                    byte[] jpeg = Files.readAllBytes(Path.of(a[0]));
                    var event = APIGatewayV2HTTPEvent.builder().withRawPath("/classify")
                        .withHeaders(Map.of("content-type", "image/jpeg")).withIsBase64Encoded(true)
                        .withBody(Base64.getEncoder().encodeToString(jpeg))
                        .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("probe")
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build())
                            .build()).build();
                    var r = new ServeApiRequestHandler().handleRequest(event, null);
                    System.out.println("STATUS " + r.getStatusCode());
                    System.out.println("BODY " + r.getBody());
                    new ClassifyUploadHandler().handleRequest(new S3Event(List.of()), null);
                    System.out.println("S3 HANDLER OK");
                }
            }
            """;

    @Test
    void handlersRunFromTheUnpackedZipAlone() throws Exception {
        Path zip = TestPaths.repoRoot().resolve("function/target/brainscan-lambda.zip");
        assertTrue(Files.isRegularFile(zip), "build the zip first (mvn package)");
        long size = Files.size(zip);
        assertTrue(size <= 30L * 1024 * 1024, "Lambda zip is " + size + " bytes (limit 30 MB)");
        Path task = Files.createDirectories(dir.resolve("task"));
        unzip(zip, task);
        assertTrue(Files.isRegularFile(task.resolve("model/brainscan.onnx")));
        assertTrue(Files.isRegularFile(task.resolve("dev/brainscan/lambda/ClassifyUploadHandler.class")));
        // The CLI (bench with its own ONNX Runtime session, serve) stays in brainscan.jar.
        assertTrue(Files.notExists(task.resolve("dev/brainscan/cli")), "the CLI is in the Lambda zip");
        assertTrue(Files.notExists(task.resolve("dev/brainscan/serve")), "serve's Jetty adapter is in the Lambda zip");
        try (var libs = Files.list(task.resolve("lib"))) {
            List<String> names = libs.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("onnxruntime-") && n.contains("linux-")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.startsWith("junit") || n.startsWith("s3proxy")
                    || n.startsWith("jetty")), names.toString());
        }
        Path probe = Files.writeString(dir.resolve("Probe.java"), PROBE);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-cp", task + java.io.File.pathSeparator + task.resolve("lib") + "/*",
                probe.toString(), TestPaths.events().resolve("scans/phantom-001-lesion.jpg").toString());
        pb.environment().put("BUCKET", "brainscan-probe");
        pb.environment().put("AWS_REGION", "us-east-1");
        pb.environment().put("HOME", dir.resolve("readonly-home").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("STATUS 200"), out);
        assertTrue(out.contains("\"label\""), out);
        assertTrue(out.contains("S3 HANDLER OK"), out);
        assertTrue(Files.notExists(dir.resolve("readonly-home")), "nothing may be written to $HOME");
    }

    static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.write(target, in.readAllBytes());
                }
            }
        }
    }
}
