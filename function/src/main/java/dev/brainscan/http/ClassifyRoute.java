package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.ObjectClassification;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.core.result.Json;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /classify}: the scan (or a zip of one DICOM series) as the body or as the
 * multipart part {@code file}, at most {@code syncMaxBytes}; the answer is the result record
 * (a zip's or a multi-frame file's: the series record) with its error code's status,
 * with the heatmap as {@code heatmapPng} when {@code ?heatmap=true}.
 */
final class ClassifyRoute implements Route {
    private final Classifier classifier;
    private final long syncMaxBytes;
    private final ScanLog log;

    ClassifyRoute(Classifier classifier, long syncMaxBytes, ScanLog log) {
        this.classifier = classifier;
        this.syncMaxBytes = syncMaxBytes;
        this.log = log;
    }

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) throws ScanException {
        String requestId = request.requestId();
        byte[] body = scan(request);
        Map<String, String> source = new LinkedHashMap<>();
        source.put("channel", Channel.HTTP.label());
        source.put("requestId", requestId);
        boolean wantSr = "true".equalsIgnoreCase(request.query("dicomSr"));
        ObjectClassification classified = classifier.classifyObject(body, requestId, source,
                "true".equalsIgnoreCase(request.query("heatmap")), wantSr);
        for (Throwable e : classified.internalErrors()) {
            log.internalError(Channel.HTTP, requestId, null, e);
        }
        List<String> reports = new ArrayList<>();
        for (ObjectClassification.Part part : classified.parts()) {
            if (part.structuredReport() != null) {
                reports.add(Base64.getEncoder().encodeToString(part.structuredReport()));
            }
        }
        ScanResult result = classified.record();
        if (classified.heatmapPng() != null) {
            result = result.withHeatmap(Base64.getEncoder().encodeToString(classified.heatmapPng()));
        }
        log.scan(Channel.HTTP, requestId, null, result);
        return respond(result, wantSr, reports, requestId);
    }

    /** DICOM out ({@code ?dicomSr=true}): the record, plus {@code dicomSr}, the SRs (base64 Part-10 files) in order. */
    private static APIGatewayV2HTTPResponse respond(ScanResult result, boolean wantSr, List<String> reports,
                                                    String requestId) {
        if (!wantSr) {
            return Responses.json(Responses.status(result), result, requestId);
        }
        try {
            com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode)
                    Json.mapper().readTree(Json.write(result));
            com.fasterxml.jackson.databind.node.ArrayNode array = node.putArray("dicomSr");
            reports.forEach(array::add);
            return Responses.json(Responses.status(result), node, requestId);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The scan's bytes: the body, or its multipart part "file"; refused when absent or too large. */
    private byte[] scan(HttpRequest request) throws ScanException {
        byte[] body = request.body();
        String contentType = request.header("content-type");
        String boundary = Multipart.boundary(contentType);
        if (boundary != null) {
            body = Multipart.part(body, boundary, "file");
            if (body == null) {
                throw new ScanException(ErrorCode.BAD_REQUEST, "The multipart form has no part named \"file\".");
            }
        } else if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw new ScanException(ErrorCode.BAD_REQUEST, "The multipart content type has no boundary.");
        }
        if (body.length == 0) {
            throw new ScanException(ErrorCode.BAD_REQUEST,
                    "The request has no image: send its bytes as the body, or a multipart form with a part named \"file\".");
        }
        if (body.length > syncMaxBytes) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The image is %d bytes; POST /classify takes at most %d. Use POST /uploads for larger scans.",
                    body.length, syncMaxBytes));
        }
        return body;
    }
}
