package dev.brainscan.core.result;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A {@link ScanResult} written field by field through Jackson's streaming generator, in the
 * contract's order and leaving out what is null, as the mapper's data binding writes it
 * ({@code ResultJsonTest} holds the two equal on every golden record and on DICOM and series
 * records). Numbers go through the same generator calls, so they print identically.
 *
 * <p>Why not data binding: its first serialisation of a result introspects the dozen record
 * types by reflection, about 60 ms of a fresh one-core JVM (every accessor's first call spins
 * method handles), paid by every CLI run and every first request after a Lambda init.
 */
final class ResultJson {
    private ResultJson() {
    }

    static void write(JsonGenerator g, ScanResult r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("schemaVersion", r.schemaVersion());
        string(g, "scanId", r.scanId());
        string(g, "label", r.label());
        number(g, "score", r.score());
        string(g, "riskTier", r.riskTier());
        if (r.tumorType() != null) {
            g.writeObjectFieldStart("tumorType");
            string(g, "label", r.tumorType().label());
            numbers(g, "probabilities", r.tumorType().probabilities());
            g.writeEndObject();
        }
        number(g, "decisionThreshold", r.decisionThreshold());
        if (r.model() != null) {
            g.writeObjectFieldStart("model");
            string(g, "name", r.model().name());
            string(g, "version", r.model().version());
            string(g, "sha256", r.model().sha256());
            g.writeEndObject();
        }
        strings(g, "source", r.source());
        if (r.image() != null) {
            g.writeObjectFieldStart("image");
            string(g, "format", r.image().format());
            g.writeNumberField("width", r.image().width());
            g.writeNumberField("height", r.image().height());
            g.writeEndObject();
        }
        if (r.dicom() != null) {
            dicom(g, r.dicom());
        }
        if (r.series() != null) {
            series(g, r.series());
        }
        if (r.crop() != null) {
            g.writeObjectFieldStart("crop");
            g.writeNumberField("x", r.crop().x());
            g.writeNumberField("y", r.crop().y());
            g.writeNumberField("width", r.crop().width());
            g.writeNumberField("height", r.crop().height());
            g.writeEndObject();
        }
        if (r.preprocessing() != null) {
            g.writeObjectFieldStart("preprocessing");
            g.writeNumberField("version", r.preprocessing().version());
            stringList(g, "steps", r.preprocessing().steps());
            g.writeEndObject();
        }
        numbers(g, "timingsMs", r.timingsMs());
        string(g, "processedAt", r.processedAt());
        string(g, "notice", r.notice());
        if (r.error() != null) {
            g.writeObjectFieldStart("error");
            string(g, "code", r.error().code().name());
            string(g, "message", r.error().message());
            g.writeEndObject();
        }
        if (r.slices() != null) {
            g.writeArrayFieldStart("slices");
            for (ScanResult slice : r.slices()) {
                if (slice == null) {
                    g.writeNull();
                } else {
                    write(g, slice);
                }
            }
            g.writeEndArray();
        }
        string(g, "heatmapPng", r.heatmapPng());
        g.writeEndObject();
    }

    private static void dicom(JsonGenerator g, DicomInfo d) throws IOException {
        g.writeObjectFieldStart("dicom");
        string(g, "studyInstanceUid", d.studyInstanceUid());
        string(g, "seriesInstanceUid", d.seriesInstanceUid());
        string(g, "sopInstanceUid", d.sopInstanceUid());
        string(g, "modality", d.modality());
        string(g, "transferSyntax", d.transferSyntax());
        integer(g, "frame", d.frame());
        integer(g, "frames", d.frames());
        if (d.window() != null) {
            g.writeObjectFieldStart("window");
            number(g, "center", d.window().center());
            number(g, "width", d.window().width());
            string(g, "source", d.window().source());
            string(g, "function", d.window().function());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void series(JsonGenerator g, ScanResult.SeriesInfo s) throws IOException {
        g.writeObjectFieldStart("series");
        string(g, "seriesInstanceUid", s.seriesInstanceUid());
        string(g, "studyInstanceUid", s.studyInstanceUid());
        integer(g, "seriesCount", s.seriesCount());
        g.writeNumberField("slices", s.slices());
        g.writeNumberField("classified", s.classified());
        g.writeNumberField("failed", s.failed());
        if (s.topSlice() != null) {
            g.writeObjectFieldStart("topSlice");
            string(g, "scanId", s.topSlice().scanId());
            string(g, "sopInstanceUid", s.topSlice().sopInstanceUid());
            integer(g, "frame", s.topSlice().frame());
            g.writeNumberField("score", s.topSlice().score());
            g.writeEndObject();
        }
        integer(g, "slicesOmitted", s.slicesOmitted());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void number(JsonGenerator g, String name, Double value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value.doubleValue());
        }
    }

    private static void integer(JsonGenerator g, String name, Integer value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value.intValue());
        }
    }

    private static void strings(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        map(g, name, map, ResultJson::string);
    }

    private static void numbers(JsonGenerator g, String name, Map<String, Double> map) throws IOException {
        map(g, name, map, ResultJson::number);
    }

    /** A field-writing method of this class: it leaves out a null value, as binding does a null map value. */
    private interface Field<V> {
        void write(JsonGenerator g, String name, V value) throws IOException;
    }

    private static <V> void map(JsonGenerator g, String name, Map<String, V> map, Field<V> field) throws IOException {
        if (map == null) {
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, V> e : map.entrySet()) {
            field.write(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void stringList(JsonGenerator g, String name, List<String> list) throws IOException {
        if (list == null) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (String s : list) {
            if (s == null) {
                g.writeNull();
            } else {
                g.writeString(s);
            }
        }
        g.writeEndArray();
    }
}
