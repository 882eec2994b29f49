package dev.brainscan.testing;

import dev.brainscan.phantom.PhantomDicom;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes small DICOM files for tests (never from dataset images unless at test time): Part-10
 * or bare datasets, explicit or implicit VR little endian, with whatever attributes a test
 * sets. Every preset carries made-up patient, institution and physician data so that any
 * test can check that none of it leaks.
 */
public final class DicomWriter {
    public static final String TS_IMPLICIT = "1.2.840.10008.1.2";
    public static final String TS_EXPLICIT = "1.2.840.10008.1.2.1";
    public static final String MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4";
    public static final String STUDY_UID = "1.2.826.0.1.3680043.8.498.1001";
    public static final String SERIES_UID = "1.2.826.0.1.3680043.8.498.1002";

    /** Made-up patient and institution data written into every preset; none of it may ever be printed. */
    public static final Map<Integer, String[]> PRIVATE = Map.ofEntries(
            Map.entry(0x00100010, new String[] {"PN", "Zyxwort^Quillibet^Marianne"}),
            Map.entry(0x00100020, new String[] {"LO", "PID-7733-QX91"}),
            Map.entry(0x00100030, new String[] {"DA", "19330217"}),
            Map.entry(0x00100040, new String[] {"CS", "F"}),
            Map.entry(0x00101040, new String[] {"LO", "17 Glimmerbrook Lane Vexington"}),
            Map.entry(0x00080080, new String[] {"LO", "Saint Obscurus Infirmary"}),
            Map.entry(0x00080090, new String[] {"PN", "Drabwhistle^Ottoline"}),
            Map.entry(0x00081050, new String[] {"PN", "Fennimore^Capstick"}),
            Map.entry(0x00080050, new String[] {"SH", "ACC99X4417"}),
            Map.entry(0x00081030, new String[] {"LO", "Brain tumour follow-up Zyxwort"}),
            Map.entry(0x00200010, new String[] {"SH", "STUDY-QX-31"}),
            Map.entry(0x00080020, new String[] {"DA", "20190611"}));

    /** The strings of {@link #PRIVATE} a leak check looks for (the single-letter sex code excepted). */
    public static java.util.List<String> privateStrings() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String[] v : PRIVATE.values()) {
            if (v[1].length() > 2) {
                out.add(v[1]);
                for (String part : v[1].split("\\^")) {
                    if (part.length() > 3) {
                        out.add(part);
                    }
                }
            }
        }
        return out;
    }

    private final TreeMap<Long, byte[][]> elements = new TreeMap<>(); // unsigned tag -> {vr, value}
    private String transferSyntax = TS_EXPLICIT;
    private boolean part10 = true;
    private byte[] rawPixelElement;

    public DicomWriter set(int tag, String vr, String value) {
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        if (v.length % 2 == 1) {
            byte[] padded = new byte[v.length + 1];
            System.arraycopy(v, 0, padded, 0, v.length);
            padded[v.length] = (byte) (vr.equals("UI") || vr.equals("OB") ? 0 : ' ');
            v = padded;
        }
        return raw(tag, vr, v);
    }

    public DicomWriter us(int tag, int value) {
        return raw(tag, "US", new byte[] {(byte) value, (byte) (value >> 8)});
    }

    public DicomWriter raw(int tag, String vr, byte[] value) {
        elements.put(tag & 0xffffffffL, new byte[][] {vr.getBytes(StandardCharsets.ISO_8859_1), value});
        return this;
    }

    public DicomWriter remove(int tag) {
        elements.remove(tag & 0xffffffffL);
        return this;
    }

    public DicomWriter transferSyntax(String uid) {
        this.transferSyntax = uid;
        return this;
    }

    public DicomWriter bare() {
        this.part10 = false;
        return this;
    }

    /** Bytes appended after the other elements instead of a pixel data element (hostile files). */
    public DicomWriter tail(byte[] bytes) {
        this.rawPixelElement = bytes;
        return this;
    }

    /**
     * An encapsulated pixel data element (PS3.5 A.4): an empty basic offset table, one fragment
     * per frame (padded to even length), the sequence delimiter; for {@link #tail}.
     */
    public static byte[] encapsulated(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le16(out, 0x7FE0);
        le16(out, 0x0010);
        out.writeBytes("OB".getBytes(StandardCharsets.US_ASCII));
        le16(out, 0);
        le32(out, 0xFFFFFFFFL);
        le16(out, 0xFFFE);
        le16(out, 0xE000);
        le32(out, 0);
        for (byte[] f : frames) {
            le16(out, 0xFFFE);
            le16(out, 0xE000);
            le32(out, f.length + (f.length & 1));
            out.writeBytes(f);
            if ((f.length & 1) == 1) {
                out.write(0);
            }
        }
        le16(out, 0xFFFE);
        le16(out, 0xE0DD);
        le32(out, 0);
        return out.toByteArray();
    }

    /** An 8-bit MONOCHROME2 MR slice with made-up patient data. */
    public static DicomWriter mr8(BufferedImage grey) {
        int w = grey.getWidth();
        int h = grey.getHeight();
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (byte) grey.getRaster().getSample(x, y, 0);
            }
        }
        return mr(w, h, 8, px, "1");
    }

    /** Slice {@code number} of a series: a phantom (with or without a lesion), made-up patient data included. */
    public static DicomWriter slice(long seed, boolean lesion, int number, String seriesUid) {
        BufferedImage img = dev.brainscan.phantom.Phantom.generate(seed, 180, 200, lesion).image();
        byte[] px = new byte[180 * 200];
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 180; x++) {
                px[y * 180 + x] = (byte) img.getRaster().getSample(x, y, 0);
            }
        }
        return mr(180, 200, 8, px, Integer.toString(number)).set(0x0020000E, "UI", seriesUid);
    }

    /** An MR image with the given pixel bytes (little endian), made-up patient data included. */
    public static DicomWriter mr(int w, int h, int bits, byte[] pixels, String instance) {
        DicomWriter d = new DicomWriter();
        for (Map.Entry<Integer, String[]> e : PRIVATE.entrySet()) {
            d.set(e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        d.set(0x00080016, "UI", MR_STORAGE)
                .set(0x00080018, "UI", "1.2.826.0.1.3680043.8.498.2." + instance)
                .set(0x00080060, "CS", "MR")
                .set(0x0020000D, "UI", STUDY_UID)
                .set(0x0020000E, "UI", SERIES_UID)
                .set(0x00200013, "IS", instance)
                .us(0x00280002, 1)
                .set(0x00280004, "CS", "MONOCHROME2")
                .us(0x00280010, h)
                .us(0x00280011, w)
                .us(0x00280100, bits)
                .us(0x00280101, bits)
                .us(0x00280102, bits - 1)
                .us(0x00280103, 0);
        d.raw(0x7FE00010, bits == 8 ? "OB" : "OW", pixels);
        return d;
    }

    public byte[] bytes() {
        boolean explicit = !transferSyntax.equals(TS_IMPLICIT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (part10) {
            out.writeBytes(new byte[128]);
            out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream meta = new ByteArrayOutputStream();
            element(meta, 0x00020001, "OB", new byte[] {0, 1}, true);
            element(meta, 0x00020002, "UI", uid(MR_STORAGE), true);
            element(meta, 0x00020003, "UI", uid("1.2.826.0.1.3680043.8.498.2.1"), true);
            element(meta, 0x00020010, "UI", uid(transferSyntax), true);
            element(meta, 0x00020012, "UI", uid("1.2.826.0.1.3680043.8.498.9"), true);
            byte[] m = meta.toByteArray();
            element(out, 0x00020000, "UL", new byte[] {(byte) m.length, (byte) (m.length >> 8),
                (byte) (m.length >> 16), (byte) (m.length >> 24)}, true);
            out.writeBytes(m);
        }
        for (Map.Entry<Long, byte[][]> e : elements.entrySet()) {
            if (e.getKey() == 0x7FE00010L && rawPixelElement != null) {
                continue;
            }
            element(out, (int) (long) e.getKey(), new String(e.getValue()[0], StandardCharsets.ISO_8859_1),
                    e.getValue()[1], explicit);
        }
        if (rawPixelElement != null) {
            out.writeBytes(rawPixelElement);
        }
        return out.toByteArray();
    }

    private static byte[] uid(String s) {
        return PhantomDicom.uid(s);
    }

    /** One element's header and value. */
    public static void element(ByteArrayOutputStream out, int tag, String vr, byte[] value, boolean explicit) {
        PhantomDicom.element(out, tag, vr, value, explicit);
    }

    public static void le16(ByteArrayOutputStream out, int v) {
        PhantomDicom.le16(out, v);
    }

    public static void le32(ByteArrayOutputStream out, long v) {
        PhantomDicom.le32(out, v);
    }
}
