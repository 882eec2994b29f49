package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.DicomInfo;
import dev.brainscan.core.result.Notice;
import dev.brainscan.core.result.ScanResult;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * "DICOM out" (docs/dicom.md): a Basic Text SR (PS3.3 A.35.1) for one classified DICOM input,
 * so that a viewer shows brainscan's verdict beside the images. It references the source
 * study, series and SOP instance (and frame) in its content tree (an IMAGE item) and in the
 * Current Requested Procedure Evidence Sequence, and carries the label, score, risk tier,
 * tumour type, model name, version and sha256 and the research-use notice as text items.
 *
 * <p>Privacy (docs/contracts.md, "DICOM out"): the only values taken from the source are the
 * Study Instance UID, which files the report with its study in a viewer, and the referenced
 * series and SOP instance UIDs and SOP class; the Patient and General Study modules' other
 * Type 2 attributes (patient name, id, birth date, sex, study date and time, referring
 * physician, study id, accession number) are present and empty. brainscan's parser never
 * keeps any of them. The report's own UIDs are derived (2.25 UUID form) from the source
 * instance, frame and model sha256: the same input and model give the same report.
 */
public final class StructuredReport {
    public static final String BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11";
    private static final String EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";
    private static final String LOCAL = "99BRNSCN"; // a private coding scheme (PS3.16 8.2: "99" prefix)
    /** Enhanced MR, Enhanced MR Color, Legacy Converted Enhanced MR: the MR classes with frames. */
    private static final java.util.Set<String> MULTI_FRAME_CLASSES = java.util.Set.of("1.2.840.10008.5.1.4.1.1.4.1",
            "1.2.840.10008.5.1.4.1.1.4.3", "1.2.840.10008.5.1.4.1.1.4.4");
    private static final String IMPLEMENTATION_CLASS_UID = uid("brainscan implementation class");

    private StructuredReport() {
    }

    /**
     * The SR (a DICOM Part-10 file) for {@code result}, a classified DICOM scan (or frame) of
     * {@code source}; null when the result is no classified DICOM record.
     */
    public static byte[] of(ScanResult result, byte[] source) {
        if (result == null || result.failed() || result.dicom() == null || result.dicom().studyInstanceUid() == null
                || result.dicom().sopInstanceUid() == null || result.dicom().seriesInstanceUid() == null) {
            return null;
        }
        String sopClass = sourceSopClass(source);
        DicomInfo d = result.dicom();
        Integer frame = d.frames() != null && d.frames() > 1 ? d.frame() : null;
        String sha = result.model() == null ? "" : result.model().sha256();
        String instance = uid("sr|" + d.sopInstanceUid() + "|" + frame + "|" + sha);
        String series = uid("sr-series|" + d.studyInstanceUid() + "|" + sha);
        Instant at = parseInstant(result.processedAt());
        String date = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(at);
        String time = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC).format(at);

        Data ds = new Data();
        ds.str(0x00080016, "UI", BASIC_TEXT_SR);
        ds.str(0x00080018, "UI", instance);
        ds.str(0x00080012, "DA", date);
        ds.str(0x00080013, "TM", time);
        ds.str(0x00080020, "DA", "");
        ds.str(0x00080023, "DA", date);
        ds.str(0x00080030, "TM", "");
        ds.str(0x00080033, "TM", time);
        ds.str(0x00080050, "SH", "");
        ds.str(0x00080060, "CS", "SR");
        ds.str(0x00080070, "LO", "brainscan");
        ds.str(0x00080090, "PN", "");
        ds.str(0x0008103E, "LO", "brainscan research classification");
        ds.seq(0x00081111, List.of());
        ds.str(0x00080201, "SH", "+0000");
        ds.str(0x00100010, "PN", "");
        ds.str(0x00100020, "LO", "");
        ds.str(0x00100030, "DA", "");
        ds.str(0x00100040, "CS", "");
        ds.str(0x00181020, "LO", result.model() == null ? "" : ascii(result.model().name() + " "
                + result.model().version(), 64));
        ds.str(0x0020000D, "UI", d.studyInstanceUid());
        ds.str(0x0020000E, "UI", series);
        ds.str(0x00200010, "SH", "");
        ds.str(0x00200011, "IS", "9901");
        ds.str(0x00200013, "IS", "1");
        // SR Document General: complete, unverified (no person signed it), the evidence it reads.
        ds.str(0x0040A491, "CS", "COMPLETE");
        ds.str(0x0040A493, "CS", "UNVERIFIED");
        ds.seq(0x0040A372, List.of());
        Data sop = new Data().str(0x00081150, "UI", sopClass).str(0x00081155, "UI", d.sopInstanceUid());
        Data refSeries = new Data().seq(0x00081199, List.of(sop)).str(0x0020000E, "UI", d.seriesInstanceUid());
        ds.seq(0x0040A375, List.of(new Data().seq(0x00081115, List.of(refSeries))
                .str(0x0020000D, "UI", d.studyInstanceUid())));
        // SR Document Content: the root container and its items.
        ds.str(0x0040A040, "CS", "CONTAINER");
        ds.seq(0x0040A043, List.of(code("18748-4", "LN", "Diagnostic imaging report")));
        ds.str(0x0040A050, "CS", "SEPARATE");
        ds.seq(0x0040A730, content(result, sopClass, frame));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        Data meta = new Data();
        meta.raw(0x00020001, "OB", new byte[] {0, 1});
        meta.str(0x00020002, "UI", BASIC_TEXT_SR);
        meta.str(0x00020003, "UI", instance);
        meta.str(0x00020010, "UI", EXPLICIT_VR_LE);
        meta.str(0x00020012, "UI", IMPLEMENTATION_CLASS_UID);
        meta.str(0x00020013, "SH", "BRAINSCAN");
        byte[] m = meta.bytes();
        Data group = new Data().raw(0x00020000, "UL", ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(m.length).array());
        out.writeBytes(group.bytes());
        out.writeBytes(m);
        out.writeBytes(ds.bytes());
        return out.toByteArray();
    }

    private static List<Data> content(ScanResult r, String sopClass, Integer frame) {
        List<Data> items = new ArrayList<>();
        items.add(text("121071", "DCM", "Finding", ("tumor".equals(r.label())
                ? "Tumour (label tumor)" : "No tumour (label no_tumor)")
                + (frame != null ? " in frame " + frame + " of " + r.dicom().frames() : "")));
        items.add(text("score", LOCAL, "Tumour probability score", String.format(Locale.ROOT,
                "%.6f (decision threshold %s)", r.score(), r.decisionThreshold() == null ? "n/a"
                        : String.format(Locale.ROOT, "%.3f", r.decisionThreshold()))));
        items.add(text("riskTier", LOCAL, "Risk tier", String.valueOf(r.riskTier())));
        if (r.tumorType() != null && r.tumorType().label() != null) {
            StringBuilder p = new StringBuilder(r.tumorType().label());
            if (r.tumorType().probabilities() != null) {
                p.append(" (");
                boolean first = true;
                for (Map.Entry<String, Double> e : r.tumorType().probabilities().entrySet()) {
                    p.append(first ? "" : ", ").append(e.getKey()).append(' ')
                            .append(String.format(Locale.ROOT, "%.4f", e.getValue()));
                    first = false;
                }
                p.append(')');
            }
            items.add(text("tumorType", LOCAL, "Most likely tumour type", p.toString()));
        }
        if (r.model() != null) {
            items.add(text("111001", "DCM", "Algorithm Name", r.model().name()));
            items.add(text("111003", "DCM", "Algorithm Version", r.model().version()));
            items.add(text("modelSha256", LOCAL, "Model SHA-256", r.model().sha256()));
        }
        items.add(text("121106", "DCM", "Comment", Notice.of(r.notice())));
        Data sop = new Data().str(0x00081150, "UI", sopClass).str(0x00081155, "UI", r.dicom().sopInstanceUid());
        if (frame != null && MULTI_FRAME_CLASSES.contains(sopClass)) {
            // Only for a multi-frame SOP class (PS3.3 C.17.3.2.1); the Finding names the frame either way.
            sop.str(0x00081160, "IS", Integer.toString(frame));
        }
        items.add(new Data().seq(0x00081199, List.of(sop)).str(0x0040A010, "CS", "CONTAINS")
                .str(0x0040A040, "CS", "IMAGE"));
        return items;
    }

    private static Data text(String value, String scheme, String meaning, String text) {
        return new Data().str(0x0040A010, "CS", "CONTAINS").str(0x0040A040, "CS", "TEXT")
                .seq(0x0040A043, List.of(code(value, scheme, meaning))).str(0x0040A160, "UT", ascii(text, 1024));
    }

    private static Data code(String value, String scheme, String meaning) {
        return new Data().str(0x00080100, "SH", value).str(0x00080102, "SH", scheme).str(0x00080104, "LO", meaning);
    }

    /** The source's SOP Class UID (MR Image Storage when it names none). */
    private static String sourceSopClass(byte[] source) {
        String mr = "1.2.840.10008.5.1.4.1.1.4";
        if (source == null) {
            return mr;
        }
        try {
            String c = Sanitize.uid(DicomParser.parse(source, source.length * 8L).string(DicomParser.SOP_CLASS_UID));
            return c == null || c.isEmpty() ? mr : c;
        } catch (Exception e) {
            return mr;
        }
    }

    private static Instant parseInstant(String s) {
        try {
            return s == null ? Instant.now() : Instant.parse(s);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }

    /** A UID of the 2.25 form (PS3.5 B.2) from a name-based UUID. */
    static String uid(String name) {
        UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        byte[] b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .array();
        return "2.25." + new BigInteger(1, b);
    }

    /** Printable ASCII only (the default character repertoire), at most {@code max} characters. */
    private static String ascii(String s, int max) {
        StringBuilder out = new StringBuilder();
        for (char c : (s == null ? "" : s).toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f && c != '\\' ? c : '?');
        }
        return out.length() > max ? out.substring(0, max) : out.toString();
    }

    /** One dataset, explicit VR little endian, elements kept in tag order, sequences of defined length. */
    private static final class Data {
        private final TreeMap<Long, byte[]> elements = new TreeMap<>();

        Data str(int tag, String vr, String value) {
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            if (v.length % 2 == 1) {
                byte[] padded = java.util.Arrays.copyOf(v, v.length + 1);
                padded[v.length] = (byte) (vr.equals("UI") ? 0 : ' ');
                v = padded;
            }
            return raw(tag, vr, v);
        }

        Data seq(int tag, List<Data> items) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Data item : items) {
                byte[] b = item.bytes();
                le16(body, 0xFFFE);
                le16(body, 0xE000);
                le32(body, b.length);
                body.writeBytes(b);
            }
            return raw(tag, "SQ", body.toByteArray());
        }

        Data raw(int tag, String vr, byte[] value) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            le16(e, tag >>> 16);
            le16(e, tag & 0xffff);
            e.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (vr.equals("OB") || vr.equals("SQ") || vr.equals("UT")) {
                le16(e, 0);
                le32(e, value.length);
            } else {
                le16(e, value.length);
            }
            e.writeBytes(value);
            elements.put(tag & 0xffffffffL, e.toByteArray());
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            elements.values().forEach(out::writeBytes);
            return out.toByteArray();
        }

        private static void le16(ByteArrayOutputStream out, int v) {
            out.write(v);
            out.write(v >>> 8);
        }

        private static void le32(ByteArrayOutputStream out, long v) {
            le16(out, (int) (v & 0xffff));
            le16(out, (int) (v >>> 16));
        }
    }
}
