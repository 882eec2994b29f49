package dev.brainscan.phantom;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A phantom as a DICOM Part-10 MR slice (explicit VR little endian, 12 bits stored in 16,
 * MONOCHROME2, no window in the header): the SnapStart priming's DICOM input, and the
 * element encoding the tests' DICOM writer builds on. Made-up UIDs under a test root, and
 * made-up patient and study attributes of the kinds a real export carries (so priming parses
 * and drops them as it would a real file's); nothing real.
 */
public final class PhantomDicom {
    public static final String TS_EXPLICIT = "1.2.840.10008.1.2.1";
    public static final String MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4";
    private static final String UID_ROOT = "1.2.826.0.1.3680043.8.498.";
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OW", "SQ", "UC", "UN", "UR", "UT");

    private PhantomDicom() {
    }

    /** The phantom {@link Phantom#generate} makes, its grey levels scaled to 12 bits. */
    public static byte[] mr16(long seed, int width, int height, boolean lesion) {
        BufferedImage img = Phantom.generate(seed, width, height, lesion).image();
        byte[] pixels = new byte[width * height * 2];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = img.getRaster().getSample(x, y, 0) * 16;
                int o = (y * width + x) * 2;
                pixels[o] = (byte) v;
                pixels[o + 1] = (byte) (v >> 8);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        String instance = UID_ROOT + "3." + seed;
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        element(meta, 0x00020001, "OB", new byte[] {0, 1}, true);
        element(meta, 0x00020002, "UI", uid(MR_STORAGE), true);
        element(meta, 0x00020003, "UI", uid(instance), true);
        element(meta, 0x00020010, "UI", uid(TS_EXPLICIT), true);
        element(meta, 0x00020012, "UI", uid(UID_ROOT + "9"), true);
        byte[] m = meta.toByteArray();
        ByteArrayOutputStream length = new ByteArrayOutputStream();
        le32(length, m.length);
        element(out, 0x00020000, "UL", length.toByteArray(), true);
        out.writeBytes(m);
        element(out, 0x00080016, "UI", uid(MR_STORAGE), true);
        element(out, 0x00080018, "UI", uid(instance), true);
        element(out, 0x00080020, "DA", ascii("20260101"), true);
        element(out, 0x00080060, "CS", ascii("MR"), true);
        element(out, 0x00080080, "LO", ascii("PHANTOM "), true);
        element(out, 0x00100010, "PN", ascii("Phantom^Priming "), true);
        element(out, 0x00100020, "LO", ascii("PHANTOM-" + (seed & 0xff) + (seed % 2 == 0 ? "" : " ")), true);
        element(out, 0x0020000D, "UI", uid(UID_ROOT + "1"), true);
        element(out, 0x0020000E, "UI", uid(UID_ROOT + "2"), true);
        element(out, 0x00200013, "IS", ascii("1 "), true);
        element(out, 0x00280002, "US", us(1), true);
        element(out, 0x00280004, "CS", ascii("MONOCHROME2 "), true);
        element(out, 0x00280010, "US", us(height), true);
        element(out, 0x00280011, "US", us(width), true);
        element(out, 0x00280100, "US", us(16), true);
        element(out, 0x00280101, "US", us(12), true);
        element(out, 0x00280102, "US", us(11), true);
        element(out, 0x00280103, "US", us(0), true);
        element(out, 0x7FE00010, "OW", pixels, true);
        return out.toByteArray();
    }

    /** A UID value, padded with a NUL to an even length. */
    public static byte[] uid(String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        if (v.length % 2 == 0) {
            return v;
        }
        byte[] padded = new byte[v.length + 1];
        System.arraycopy(v, 0, padded, 0, v.length);
        return padded;
    }

    /** One element's header (explicit or implicit VR, little endian) and value. */
    public static void element(ByteArrayOutputStream out, int tag, String vr, byte[] value, boolean explicit) {
        le16(out, tag >>> 16);
        le16(out, tag & 0xffff);
        if (explicit) {
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (LONG_VRS.contains(vr)) {
                le16(out, 0);
                le32(out, value.length);
            } else {
                le16(out, value.length);
            }
        } else {
            le32(out, value.length);
        }
        out.writeBytes(value);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] us(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }

    public static void le16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >> 8) & 0xff);
    }

    public static void le32(ByteArrayOutputStream out, long v) {
        le16(out, (int) (v & 0xffff));
        le16(out, (int) ((v >> 16) & 0xffff));
    }
}
