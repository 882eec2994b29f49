package dev.brainscan.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.log.ScanLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.cli.Main;
import dev.brainscan.core.SeriesArchive;
import dev.brainscan.core.result.Json;
import dev.brainscan.http.HttpApi;
import dev.brainscan.store.LocalObjectStore;
import dev.brainscan.testing.DicomWriter;
import dev.brainscan.testing.HostileCorpus;
import dev.brainscan.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DICOM through every channel: the S3 flow (single files, multi-frame files, a zip of a
 * series and hostile zips), {@code POST /classify} with {@code application/dicom}, and the
 * CLI. The privacy test feeds files full of made-up patient data (name, id, birth date,
 * sex, address, institution, physicians, accession number, study description) through all
 * of them and finds none of it in any output, stored result or log line.
 */
class DicomChannelsTest {
    static final String SERIES = "1.2.826.0.1.3680043.8.498.88.1";

    @TempDir
    static Path dir;

    static Map<String, byte[]> files = new LinkedHashMap<>();

    @BeforeAll
    static void files() throws Exception {
        for (int i = 1; i <= 4; i++) {
            files.put("s" + i + ".dcm", DicomWriter.slice(300 + i, i == 2, i, SERIES).bytes());
        }
        byte[] frames = new byte[180 * 200 * 2];
        System.arraycopy(pixels(DicomWriter.slice(401, true, 1, SERIES).bytes()), 0, frames, 0, 180 * 200);
        System.arraycopy(pixels(DicomWriter.slice(402, false, 1, SERIES).bytes()), 0, frames, 180 * 200, 180 * 200);
        files.put("multi.dcm", DicomWriter.mr(180, 200, 8, frames, "9").set(0x00280008, "IS", "2").bytes());
        files.put("ct.dcm", DicomWriter.slice(403, false, 5, SERIES).set(0x00080060, "CS", "CT").bytes());
        files.put("htj2k.dcm", DicomWriter.slice(404, false, 6, SERIES).transferSyntax("1.2.840.10008.1.2.4.201")
                .bytes());
        files.put("implicit.dcm", DicomWriter.slice(405, false, 7, SERIES).transferSyntax(DicomWriter.TS_IMPLICIT)
                .bytes());
        for (HostileCorpus.Case c : HostileCorpus.dicom()) {
            files.put(c.name() + ".dcm", c.bytes());
        }
    }

    /** The last element's value of a file written by DicomWriter.slice: its 180x200 pixels. */
    static byte[] pixels(byte[] file) {
        return java.util.Arrays.copyOfRange(file, file.length - 180 * 200, file.length);
    }

    static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    record Flow(UploadProcessor processor, LocalObjectStore store, ByteArrayOutputStream logs) {
        JsonNode result(String key) throws Exception {
            return Json.mapper().readTree(Files.readAllBytes(store.root().resolve("results/" + key + ".json")));
        }

        JsonNode run(String key, byte[] bytes) throws Exception {
            Path p = store.root().resolve("scans/" + key);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
            processor.process("bucket", "scans/" + key, "req-1");
            return result(key);
        }
    }

    static Flow flow(String name, boolean logKeys) throws Exception {
        LocalObjectStore store = new LocalObjectStore(Files.createDirectories(dir.resolve(name)));
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        return new Flow(new UploadProcessor(TestModels.classifier(), store, "scans/", "results/",
                new ScanLog(new PrintStream(logs, true, StandardCharsets.UTF_8), logKeys),
                true), store, logs);
    }

    @Test
    void s3_zipOfASeries_oneResultWithEverySliceAndTheVerdict() throws Exception {
        Flow f = flow("zip", false);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 1; i <= 4; i++) {
            entries.put("export/IM" + i, files.get("s" + i + ".dcm"));
        }
        entries.put("DICOMDIR", "skipped".getBytes(StandardCharsets.US_ASCII));
        entries.put("__MACOSX/._IM1", "skipped".getBytes(StandardCharsets.US_ASCII));
        JsonNode r = f.run("ward7/series.zip", zip(entries));
        assertEquals("scans/ward7/series.zip", r.get("scanId").asText());
        assertEquals(4, r.get("slices").size());
        assertEquals(4, r.get("series").get("slices").asInt());
        assertEquals(SERIES, r.get("series").get("seriesInstanceUid").asText());
        double max = 0;
        for (JsonNode s : r.get("slices")) {
            assertEquals(SERIES, s.get("dicom").get("seriesInstanceUid").asText());
            max = Math.max(max, s.get("score").asDouble());
        }
        assertEquals(max, r.get("score").asDouble(), 1e-12);
        assertTrue(r.get("label").asText().matches("tumor|no_tumor"));
        assertEquals("scans/ward7/series.zip#1", r.get("slices").get(0).get("scanId").asText());
    }

    @Test
    void s3_zipBombsAndTooManyEntries_areImageTooLarge_nestedZipsAreNotOpened() throws Exception {
        Flow f = flow("bombs", false);
        byte[] zeros = new byte[64 << 20];
        JsonNode bomb = f.run("bomb.zip", zip(Map.of("IM1", zeros)));
        assertTrue(bomb.has("error"), bomb.toString());
        assertEquals("IMAGE_TOO_LARGE", bomb.get("error").get("code").asText());
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i <= SeriesArchive.MAX_ENTRIES; i++) {
            many.put("f" + i, new byte[] {1});
        }
        long start = System.nanoTime();
        JsonNode tooMany = f.run("many.zip", zip(many));
        assertEquals("IMAGE_TOO_LARGE", tooMany.get("error").get("code").asText());
        assertTrue((System.nanoTime() - start) / 1e9 < 2, "refused quickly");
        Map<String, byte[]> withInner = new LinkedHashMap<>();
        withInner.put("inner.zip", zip(Map.of("IM1", files.get("s1.dcm"))));
        withInner.put("IM2", files.get("s2.dcm"));
        JsonNode nested = f.run("nested.zip", zip(withInner));
        assertEquals("UNSUPPORTED_FORMAT", nested.get("slices").get(0).get("error").get("code").asText());
        assertEquals(1, nested.get("series").get("classified").asInt());
        JsonNode broken = f.run("broken.zip", java.util.Arrays.copyOf(zip(Map.of("IM1", files.get("s1.dcm"))), 100));
        assertTrue(broken.has("error"), broken.toString());
    }

    @Test
    void s3_multiFrameFile_oneResultWithAFramePerSlice() throws Exception {
        JsonNode r = flow("multi", false).run("multi.dcm", files.get("multi.dcm"));
        assertEquals(2, r.get("slices").size());
        assertEquals("scans/multi.dcm#frame=2", r.get("slices").get(1).get("scanId").asText());
        assertEquals(2, r.get("slices").get(1).get("dicom").get("frame").asInt());
        JsonNode single = flow("single", false).run("s1.dcm", files.get("s1.dcm"));
        assertEquals("dicom", single.get("image").get("format").asText());
        assertFalse(single.has("slices"));
    }

    static APIGatewayV2HTTPResponse post(HttpApi api, byte[] body) {
        return api.handle(APIGatewayV2HTTPEvent.builder().withRawPath("/classify")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build())
                        .withRequestId("r1").build())
                .withHeaders(Map.of("content-type", "application/dicom")).withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(body)).build());
    }

    @Test
    void http_dicomBody_isClassified() throws Exception {
        HttpApi api = new HttpApi(TestModels.classifier(), null, null, new HttpApi.Settings("", "scans/", "results/",
                4_000_000), new ScanLog(new PrintStream(new ByteArrayOutputStream()), false));
        APIGatewayV2HTTPResponse ok = post(api, files.get("s1.dcm"));
        assertEquals(200, ok.getStatusCode(), ok.getBody());
        JsonNode r = Json.mapper().readTree(ok.getBody());
        assertEquals(SERIES, r.get("dicom").get("seriesInstanceUid").asText());
        APIGatewayV2HTTPResponse ct = post(api, files.get("ct.dcm"));
        assertEquals(422, ct.getStatusCode());
        assertEquals("NOT_A_BRAIN_MRI", Json.mapper().readTree(ct.getBody()).get("error").get("code").asText());
        APIGatewayV2HTTPResponse multi = post(api, files.get("multi.dcm"));
        assertEquals(200, multi.getStatusCode());
        assertEquals(2, Json.mapper().readTree(multi.getBody()).get("slices").size());
        assertEquals(415, post(api, files.get("htj2k.dcm")).getStatusCode());
    }

    static APIGatewayV2HTTPResponse postMultipart(HttpApi api, byte[] file) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--xyzzy\r\nContent-Disposition: form-data; name=\"file\"; filename=\"series.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(file);
        body.writeBytes("\r\n--xyzzy--\r\n".getBytes(StandardCharsets.US_ASCII));
        return api.handle(APIGatewayV2HTTPEvent.builder().withRawPath("/classify")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build())
                        .withRequestId("r2").build())
                .withHeaders(Map.of("content-type", "multipart/form-data; boundary=xyzzy")).withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(body.toByteArray())).build());
    }

    /** The series record without what names the channel (scan ids, source, timings, time). */
    static String verdict(JsonNode r) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = r.deepCopy();
        copy.remove(List.of("scanId", "source", "timingsMs", "processedAt"));
        if (copy.has("series") && copy.get("series").has("topSlice")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("series").get("topSlice")).remove("scanId");
        }
        if (copy.has("slices")) {
            for (JsonNode s : copy.get("slices")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) s).remove(List.of("scanId", "source", "timingsMs",
                        "processedAt"));
            }
        }
        return copy.toString();
    }

    @Test
    void zipOfASeries_sameSeriesRecordOnEveryChannel() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 1; i <= 4; i++) {
            entries.put("export/IM" + i, files.get("s" + i + ".dcm"));
        }
        entries.put("export/multi", files.get("multi.dcm"));
        byte[] series = zip(entries);
        JsonNode s3 = flow("every-channel", false).run("ward7/series.zip", series);
        assertEquals(6, s3.get("slices").size(), s3.toString());
        String expected = verdict(s3);
        // POST /classify: the zip as the body, and as the multipart part "file".
        HttpApi api = new HttpApi(TestModels.classifier(), null, null, new HttpApi.Settings("", "scans/", "results/",
                4_000_000), new ScanLog(new PrintStream(new ByteArrayOutputStream()), false));
        for (APIGatewayV2HTTPResponse r : List.of(post(api, series), postMultipart(api, series))) {
            assertEquals(200, r.getStatusCode(), r.getBody());
            JsonNode http = Json.mapper().readTree(r.getBody());
            assertEquals(expected, verdict(http));
            assertTrue(http.get("slices").get(0).get("scanId").asText().matches("r[12]#1"));
        }
        // classify FILE.zip: one record, the same.
        Path zipFile = Files.write(dir.resolve("series.zip"), series);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "classify", zipFile.toString());
        assertEquals(0, exit, err.toString());
        String[] lines = out.toString().strip().split("\n");
        assertEquals(1, lines.length, out.toString());
        JsonNode cli = Json.mapper().readTree(lines[0]);
        assertEquals(expected, verdict(cli));
        assertEquals(zipFile + "#1", cli.get("slices").get(0).get("scanId").asText());
        // The same limits: a bomb is IMAGE_TOO_LARGE (413), a nested zip is not opened, on the API too.
        APIGatewayV2HTTPResponse bomb = post(api, zip(Map.of("IM1", new byte[64 << 20])));
        assertEquals(413, bomb.getStatusCode(), bomb.getBody());
        Map<String, byte[]> withInner = new LinkedHashMap<>();
        withInner.put("inner.zip", zip(Map.of("IM1", files.get("s1.dcm"))));
        withInner.put("IM2", files.get("s2.dcm"));
        JsonNode nested = Json.mapper().readTree(post(api, zip(withInner)).getBody());
        assertEquals("UNSUPPORTED_FORMAT", nested.get("slices").get(0).get("error").get("code").asText());
    }

    static boolean isReportOf(byte[] sr, String sopInstanceUid) {
        String text = new String(sr, StandardCharsets.ISO_8859_1);
        return text.startsWith("DICM", 128) && text.contains("1.2.840.10008.5.1.4.1.1.88.11")
                && text.contains(sopInstanceUid);
    }

    @Test
    void dicomOut_onRequest_anSrPerClassifiedDicomScanOnEveryChannel() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("IM1", files.get("s1.dcm"));
        entries.put("IM2", files.get("ct.dcm"));
        byte[] series = zip(entries);
        // S3 (WRITE_DICOM_SR): beside the result; a frame and a zip entry name themselves; none when off.
        LocalObjectStore store = new LocalObjectStore(Files.createDirectories(dir.resolve("sr-s3")));
        UploadProcessor on = new UploadProcessor(TestModels.classifier(), store, "scans/", "results/",
                new ScanLog(new PrintStream(new ByteArrayOutputStream()), false), false).withDicomSr(true);
        Map<String, byte[]> uploads = Map.of("s1.dcm", files.get("s1.dcm"), "multi.dcm", files.get("multi.dcm"),
                "series.zip", series, "ct.dcm", files.get("ct.dcm"));
        for (Map.Entry<String, byte[]> e : uploads.entrySet()) {
            Path p = Files.createDirectories(store.root().resolve("scans")).resolve(e.getKey());
            Files.write(p, e.getValue());
            on.process("bucket", "scans/" + e.getKey(), "req-sr");
        }
        Path results = store.root().resolve("results");
        assertTrue(isReportOf(Files.readAllBytes(results.resolve("s1.dcm.sr.dcm")), "1.2.826.0.1.3680043.8.498.2.1"));
        assertTrue(Files.exists(results.resolve("multi.dcm.frame-1.sr.dcm")));
        assertTrue(Files.exists(results.resolve("multi.dcm.frame-2.sr.dcm")));
        assertTrue(Files.exists(results.resolve("series.zip.entry-1.sr.dcm")));
        assertFalse(Files.exists(results.resolve("series.zip.entry-2.sr.dcm")), "a refused slice has no SR");
        assertFalse(Files.exists(results.resolve("ct.dcm.sr.dcm")));
        assertEquals("results/a/b.zip.entry-3.frame-2.sr.dcm",
                UploadProcessor.srKey("results/a/b.zip.json", "scans/a/b.zip", "scans/a/b.zip#3#frame=2"));
        JsonNode off = flow("sr-off", false).run("s1.dcm", files.get("s1.dcm"));
        assertFalse(off.has("error"));
        assertFalse(Files.exists(dir.resolve("sr-off/results/s1.dcm.sr.dcm")));
        // POST /classify?dicomSr=true: the record plus its SRs, base64.
        HttpApi api = new HttpApi(TestModels.classifier(), null, null, new HttpApi.Settings("", "scans/", "results/",
                4_000_000), new ScanLog(new PrintStream(new ByteArrayOutputStream()), false));
        for (byte[] body : List.of(files.get("s1.dcm"), series)) {
            APIGatewayV2HTTPResponse r = api.handle(APIGatewayV2HTTPEvent.builder().withRawPath("/classify")
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build())
                            .withRequestId("r3").build())
                    .withQueryStringParameters(Map.of("dicomSr", "true"))
                    .withHeaders(Map.of("content-type", "application/dicom")).withIsBase64Encoded(true)
                    .withBody(Base64.getEncoder().encodeToString(body)).build());
            assertEquals(200, r.getStatusCode(), r.getBody());
            JsonNode json = Json.mapper().readTree(r.getBody());
            assertTrue(json.get("label").asText().matches("tumor|no_tumor"));
            assertEquals(1, json.get("dicomSr").size(), r.getBody().substring(0, 200));
            assertTrue(isReportOf(Base64.getDecoder().decode(json.get("dicomSr").get(0).asText()),
                    "1.2.826.0.1.3680043.8.498.2.1"));
        }
        assertFalse(post(api, files.get("s1.dcm")).getBody().contains("dicomSr"));
        // classify --dicom-sr DIR: DIR/<path>.sr.dcm.
        Path in = Files.createDirectories(dir.resolve("sr-cli-in"));
        Files.write(in.resolve("s1.dcm"), files.get("s1.dcm"));
        Files.write(in.resolve("multi.dcm"), files.get("multi.dcm"));
        Files.write(in.resolve("series.zip"), series);
        Path srDir = dir.resolve("sr-cli-out");
        StringWriter err = new StringWriter();
        Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "classify", "--dicom-sr",
                srDir.toString(), in.toString());
        String base = srDir.resolve(in.toString().substring(1)).toString();
        assertTrue(isReportOf(Files.readAllBytes(Path.of(base, "s1.dcm.sr.dcm")), "1.2.826.0.1.3680043.8.498.2.1"),
                err.toString());
        assertTrue(Files.exists(Path.of(base, "multi.dcm#frame=2.sr.dcm")));
        assertTrue(Files.exists(Path.of(base, "series.zip#1.sr.dcm")));
        assertFalse(Files.exists(Path.of(base, "series.zip#2.sr.dcm")));
    }

    /** Every made-up patient datum, on every channel: never printed, stored or logged. */
    @Test
    void privacy_noPatientDatumOnAnyChannel() throws Exception {
        List<String> outputs = new ArrayList<>();
        // CLI: every format, with and without --series.
        Path cliDir = Files.createDirectories(dir.resolve("cli"));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(cliDir.resolve(e.getKey()), e.getValue());
        }
        for (String format : List.of("jsonl", "json", "csv", "table")) {
            for (boolean series : new boolean[] {false, true}) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                List<String> args = new ArrayList<>(List.of("classify", "--format", format));
                if (series) {
                    args.add("--series");
                }
                args.add(cliDir.toString());
                Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(new String[0]));
                outputs.add(out.toString());
                outputs.add(err.toString());
                if (!format.equals("table")) {
                    assertTrue(out.toString().contains(SERIES), format + ": the records carry the series UID");
                }
            }
        }
        // S3 flow: each file, and a zip of all of them; stored results and the log (keys logged too).
        Flow f = flow("privacy", true);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            outputs.add(f.run(e.getKey(), e.getValue()).toString());
        }
        outputs.add(f.run("all.zip", zip(files)).toString());
        outputs.add(f.logs().toString(StandardCharsets.UTF_8));
        // HTTP: bodies and the log.
        ByteArrayOutputStream httpLog = new ByteArrayOutputStream();
        HttpApi api = new HttpApi(TestModels.classifier(), null, null, new HttpApi.Settings("", "scans/", "results/",
                4_000_000), new ScanLog(new PrintStream(httpLog, true, StandardCharsets.UTF_8), true));
        for (byte[] b : files.values()) {
            outputs.add(post(api, b).getBody());
        }
        outputs.add(post(api, zip(files)).getBody());
        outputs.add(postMultipart(api, zip(files)).getBody());
        // CLI: the zip of everything.
        StringWriter zipOut = new StringWriter();
        Main.execute(new PrintWriter(zipOut, true), new PrintWriter(zipOut, true), "classify",
                Files.write(dir.resolve("privacy.zip"), zip(files)).toString());
        outputs.add(zipOut.toString());
        outputs.add(httpLog.toString(StandardCharsets.UTF_8));
        String all = String.join("\n", outputs);
        assertTrue(all.contains("\"dicom\""), "DICOM results were produced");
        for (String secret : DicomWriter.privateStrings()) {
            assertFalse(all.toLowerCase().contains(secret.toLowerCase()), "leaked: " + secret);
        }
        assertFalse(all.contains("19330217") || all.contains("1933-02-17"), "birth date leaked");
    }
}
