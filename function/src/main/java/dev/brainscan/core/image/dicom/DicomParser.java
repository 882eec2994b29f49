package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A focused reader of DICOM Part-10 files and bare datasets (PS3.10 section 7, PS3.5
 * section 7): it walks the element structure once, keeps the values of a fixed list of
 * top-level attributes (identifiers, modality, image pixel module, VOI and modality LUT
 * attributes) and the location of the pixel data, and nothing else. No other value, in
 * particular no patient, institution or physician datum, is ever copied out of the file.
 *
 * <p>Limits: little endian only; sequences nested deeper than {@link #MAX_DEPTH} levels, a
 * length running past the end of the data and unknown value representations are errors; a
 * deflated dataset inflates to at most the given budget. Every check is made before the
 * corresponding bytes are used, so a hostile header costs microseconds.
 */
final class DicomParser {
    static final int MAX_DEPTH = 32;
    static final long UNDEFINED = 0xFFFFFFFFL;

    static final int SOP_CLASS_UID = 0x00080016;
    static final int SOP_INSTANCE_UID = 0x00080018;
    static final int MODALITY = 0x00080060;
    static final int STUDY_INSTANCE_UID = 0x0020000D;
    static final int SERIES_INSTANCE_UID = 0x0020000E;
    static final int INSTANCE_NUMBER = 0x00200013;
    static final int SAMPLES_PER_PIXEL = 0x00280002;
    static final int PHOTOMETRIC = 0x00280004;
    static final int PLANAR_CONFIGURATION = 0x00280006;
    static final int NUMBER_OF_FRAMES = 0x00280008;
    static final int ROWS = 0x00280010;
    static final int COLUMNS = 0x00280011;
    static final int BITS_ALLOCATED = 0x00280100;
    static final int BITS_STORED = 0x00280101;
    static final int HIGH_BIT = 0x00280102;
    static final int PIXEL_REPRESENTATION = 0x00280103;
    static final int WINDOW_CENTER = 0x00281050;
    static final int WINDOW_WIDTH = 0x00281051;
    static final int RESCALE_INTERCEPT = 0x00281052;
    static final int RESCALE_SLOPE = 0x00281053;
    static final int VOI_LUT_FUNCTION = 0x00281056;
    static final int PIXEL_DATA = 0x7FE00010;
    static final int FLOAT_PIXEL_DATA = 0x7FE00008;
    static final int DOUBLE_PIXEL_DATA = 0x7FE00009;
    static final int TRANSFER_SYNTAX_UID = 0x00020010;
    static final int ITEM = 0xFFFEE000;
    static final int ITEM_DELIMITER = 0xFFFEE00D;
    static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;

    /** The only attributes whose values are kept (all non-identifying). */
    private static final Set<Integer> KEPT = Set.of(SOP_CLASS_UID, SOP_INSTANCE_UID, MODALITY, STUDY_INSTANCE_UID,
            SERIES_INSTANCE_UID, INSTANCE_NUMBER, SAMPLES_PER_PIXEL, PHOTOMETRIC, PLANAR_CONFIGURATION,
            NUMBER_OF_FRAMES, ROWS, COLUMNS, BITS_ALLOCATED, BITS_STORED, HIGH_BIT, PIXEL_REPRESENTATION,
            WINDOW_CENTER, WINDOW_WIDTH, RESCALE_INTERCEPT, RESCALE_SLOPE, VOI_LUT_FUNCTION);

    /** Value representations with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 7.1.2). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");
    private static final Set<String> SHORT_VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS",
            "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US");

    /** What the parse found: the kept values, the syntax, and where the pixel data lies. */
    static final class Dataset {
        final Map<Integer, byte[]> values = new HashMap<>();
        TransferSyntax syntax;
        String syntaxUid;
        byte[] data;
        /** Native pixel data: offset and length in {@link #data}; -1 when absent. */
        int nativeOffset = -1;
        long nativeLength;
        /** Encapsulated pixel data: the basic offset table and the fragments, as [offset, length] pairs. */
        long[] offsetTable;
        final List<int[]> fragments = new ArrayList<>();
        boolean encapsulated;
        boolean floatPixels;

        String string(int tag) {
            byte[] v = values.get(tag);
            if (v == null) {
                return null;
            }
            String s = new String(v, StandardCharsets.US_ASCII);
            int end = s.length();
            while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) {
                end--;
            }
            int start = 0;
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
            return s.substring(start, end);
        }

        /** The first value of a multi-valued string (values separated by backslashes). */
        String first(int tag) {
            String s = string(tag);
            if (s == null) {
                return null;
            }
            int cut = s.indexOf('\\');
            return (cut >= 0 ? s.substring(0, cut) : s).trim();
        }

        /** An unsigned short (US) value, or -1 when absent or short. */
        int us(int tag) {
            byte[] v = values.get(tag);
            if (v == null || v.length < 2) {
                return -1;
            }
            return (v[0] & 0xff) | (v[1] & 0xff) << 8;
        }

        Double decimal(int tag) {
            String s = first(tag);
            if (s == null || s.isEmpty()) {
                return null;
            }
            try {
                double d = Double.parseDouble(s);
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        Integer integer(int tag) {
            String s = first(tag);
            if (s == null || s.isEmpty()) {
                return null;
            }
            try {
                return Integer.parseInt(s.startsWith("+") ? s.substring(1) : s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private DicomParser() {
    }

    /** A Part-10 file: 128-byte preamble, then "DICM". */
    static boolean isPart10(byte[] b) {
        return b.length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M';
    }

    /**
     * A bare dataset (no preamble): it starts with a file meta (0002,xxxx) or identifying
     * (0008,xxxx) element whose element number and length are plausible, in explicit or
     * implicit VR little endian.
     */
    static boolean isBareDataset(byte[] b) {
        if (b.length < 16) {
            return false;
        }
        int group = u16(b, 0);
        int element = u16(b, 2);
        if ((group != 0x0002 && group != 0x0008) || element > 0x0200) {
            return false;
        }
        String vr = new String(b, 4, 2, StandardCharsets.ISO_8859_1);
        if (SHORT_VRS.contains(vr)) {
            return u16(b, 6) <= b.length;
        }
        if (LONG_VRS.contains(vr)) {
            return b[6] == 0 && b[7] == 0 && u32(b, 8) <= b.length;
        }
        if (group == 0x0002) {
            return false; // file meta is always explicit VR
        }
        long length = u32(b, 4);
        return length <= Math.min(b.length, 1024) && (length % 2 == 0);
    }

    static Dataset parse(byte[] b, long inflateBudget) throws ScanException {
        Dataset ds = new Dataset();
        int pos = isPart10(b) ? 132 : 0;
        // File meta information: always explicit VR little endian.
        while (pos + 8 <= b.length && u16(b, pos) == 0x0002) {
            int tag = tag(b, pos);
            String vr = vr(b, pos);
            long length;
            int header;
            ElementHeader eh = explicitHeader(b, pos, b.length, vr, "The DICOM file meta information is damaged.");
            length = eh.length();
            header = eh.size();
            if (length == UNDEFINED) {
                throw corrupt("The DICOM file meta information is damaged.");
            }
            long valueEnd = pos + (long) header + length;
            if (valueEnd > b.length) {
                throw pastEnd();
            }
            if (tag == TRANSFER_SYNTAX_UID) {
                ds.syntaxUid = new String(b, pos + header, (int) length, StandardCharsets.US_ASCII)
                        .replace("\0", "").trim();
            }
            pos = (int) valueEnd;
        }
        byte[] data = b;
        boolean explicit;
        if (ds.syntaxUid == null) {
            // No file meta (a bare dataset): the encoding shows in the first element.
            explicit = pos + 6 <= b.length && (SHORT_VRS.contains(vr(b, pos)) || LONG_VRS.contains(vr(b, pos)));
            ds.syntax = explicit ? TransferSyntax.EXPLICIT_VR_LE : TransferSyntax.IMPLICIT_VR_LE;
            ds.syntaxUid = ds.syntax.uid;
        } else {
            ds.syntax = TransferSyntax.of(ds.syntaxUid);
            if (ds.syntax == null) {
                // described, not quoted: only the names brainscan knows are echoed (a UID-shaped
                // value can still carry a patient's digits)
                throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The DICOM transfer syntax is not one brainscan "
                        + "knows; brainscan reads implicit and explicit VR little endian, deflated, RLE lossless, "
                        + "JPEG baseline, extended and lossless.");
            }
            if (ds.syntax == TransferSyntax.EXPLICIT_VR_BE) {
                throw unsupportedSyntax(ds.syntax);
            }
            explicit = ds.syntax.explicitVr;
            if (ds.syntax == TransferSyntax.DEFLATED_EXPLICIT_VR_LE) {
                data = inflate(b, pos, inflateBudget);
                pos = 0;
            }
        }
        ds.data = data;
        new Walker(data, explicit, ds).dataset(pos, data.length, 0, false);
        return ds;
    }

    static ScanException unsupportedSyntax(TransferSyntax t) {
        return new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                "The DICOM transfer syntax " + t.describe() + " is not supported; brainscan reads implicit and "
                        + "explicit VR little endian, deflated, RLE lossless, JPEG baseline, extended and lossless, "
                        + "JPEG-LS (lossless and near-lossless) and JPEG 2000 (lossless and lossy).");
    }

    private static byte[] inflate(byte[] b, int pos, long budget) throws ScanException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(b, pos, b.length - pos);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(b.length * 4, 1 << 20));
            byte[] chunk = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw corrupt("The deflated DICOM dataset is truncated or damaged.");
                }
                out.write(chunk, 0, n);
                if (out.size() > budget) {
                    throw new ScanException(ErrorCode.IMAGE_TOO_LARGE,
                            "The deflated DICOM dataset inflates past the size limit.");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw corrupt("The deflated DICOM dataset is truncated or damaged.");
        } finally {
            inflater.end();
        }
    }

    /** Walks elements; keeps only {@link #KEPT} values at the top level. */
    private static final class Walker {
        private final byte[] b;
        private final boolean explicit;
        private final Dataset ds;
        private boolean done;

        Walker(byte[] b, boolean explicit, Dataset ds) {
            this.b = b;
            this.explicit = explicit;
            this.ds = ds;
        }

        /**
         * Reads elements from {@code pos} to {@code end}, or, when {@code inItem}, up to an item
         * delimiter. Returns the position after what it read.
         */
        int dataset(int pos, int end, int depth, boolean undefinedItem) throws ScanException {
            return dataset(pos, end, depth, undefinedItem, explicit);
        }

        int dataset(int pos, int end, int depth, boolean undefinedItem, boolean explicitVr) throws ScanException {
            while (pos < end && !done) {
                if (end - pos < 8) {
                    if (depth == 0 && allPadding(pos, end)) {
                        return end; // trailing padding after the last element
                    }
                    throw pastEnd();
                }
                int tag = tag(b, pos);
                if (tag == ITEM_DELIMITER) {
                    if (undefinedItem) {
                        return pos + 8;
                    }
                    throw corrupt("The DICOM data has a misplaced item delimiter.");
                }
                if (tag == ITEM || tag == SEQUENCE_DELIMITER) {
                    throw corrupt("The DICOM data has a misplaced item.");
                }
                String vr = null;
                long length;
                int header;
                if (explicitVr) {
                    vr = vr(b, pos);
                    ElementHeader eh = explicitHeader(b, pos, end, vr,
                            "The DICOM data has an element with an unknown value representation.");
                    length = eh.length();
                    header = eh.size();
                } else {
                    length = u32(b, pos + 4);
                    header = 8;
                }
                int valuePos = pos + header;
                if (tag == PIXEL_DATA && depth == 0) {
                    pixelData(valuePos, end, length, true);
                    done = true;
                    return end;
                }
                if (tag == PIXEL_DATA && length == UNDEFINED) {
                    pos = pixelData(valuePos, end, length, false); // an icon's encapsulated pixels: skipped
                    continue;
                }
                if ((tag == FLOAT_PIXEL_DATA || tag == DOUBLE_PIXEL_DATA) && depth == 0) {
                    ds.floatPixels = true;
                    done = true;
                    return end;
                }
                if (length == UNDEFINED) {
                    // An undefined length is only valid for a sequence (SQ, or UN holding one in implicit VR).
                    if (explicitVr && !"SQ".equals(vr) && !"UN".equals(vr)) {
                        throw corrupt("The DICOM data has an element of undefined length that is not a sequence.");
                    }
                    boolean nestedExplicit = explicitVr && !"UN".equals(vr);
                    pos = sequence(valuePos, end, depth + 1, nestedExplicit);
                    continue;
                }
                long valueEnd = valuePos + length;
                if (valueEnd > end) {
                    throw pastEnd();
                }
                if (depth == 0 && KEPT.contains(tag) && length <= 1024) {
                    ds.values.put(tag, java.util.Arrays.copyOfRange(b, valuePos, (int) valueEnd));
                }
                pos = (int) valueEnd;
            }
            if (undefinedItem && !done) {
                throw pastEnd();
            }
            return pos;
        }

        /** A sequence of undefined length: items until the sequence delimiter. */
        private int sequence(int pos, int end, int depth, boolean explicitVr) throws ScanException {
            if (depth > MAX_DEPTH) {
                throw corrupt("The DICOM data nests sequences more than " + MAX_DEPTH + " levels deep.");
            }
            while (true) {
                need(end, pos, 8);
                int tag = tag(b, pos);
                long length = u32(b, pos + 4);
                pos += 8;
                if (tag == SEQUENCE_DELIMITER) {
                    return pos;
                }
                if (tag != ITEM) {
                    throw corrupt("The DICOM data has a damaged sequence.");
                }
                if (length == UNDEFINED) {
                    pos = dataset(pos, end, depth, true, explicitVr);
                } else {
                    long itemEnd = pos + length;
                    if (itemEnd > end) {
                        throw pastEnd();
                    }
                    pos = (int) itemEnd; // nothing inside an item is kept: skip it whole
                }
            }
        }

        /** Pixel data: native (its place is kept) or encapsulated (its fragments are kept when {@code keep}). */
        private int pixelData(int pos, int end, long length, boolean keep) throws ScanException {
            if (length != UNDEFINED) {
                ds.nativeOffset = pos;
                ds.nativeLength = Math.min(length, end - pos); // a short tail is judged against the frame size
                return end;
            }
            ds.encapsulated |= keep;
            boolean first = true;
            while (true) {
                if (end - pos < 8) {
                    throw corrupt("The DICOM pixel data is truncated.");
                }
                int tag = tag(b, pos);
                long itemLength = u32(b, pos + 4);
                pos += 8;
                if (tag == SEQUENCE_DELIMITER) {
                    return pos;
                }
                if (tag != ITEM || itemLength == UNDEFINED) {
                    throw corrupt("The DICOM pixel data fragments are damaged.");
                }
                if (pos + itemLength > end) {
                    throw corrupt("The DICOM pixel data is truncated.");
                }
                if (!keep) {
                    pos += (int) itemLength;
                    continue;
                }
                if (first) {
                    long[] table = new long[(int) (itemLength / 4)];
                    for (int i = 0; i < table.length; i++) {
                        table[i] = u32(b, pos + i * 4);
                    }
                    ds.offsetTable = table;
                    first = false;
                } else {
                    if (ds.fragments.size() >= 1_000_000) {
                        throw corrupt("The DICOM pixel data has too many fragments.");
                    }
                    ds.fragments.add(new int[] {pos, (int) itemLength});
                }
                pos += (int) itemLength;
            }
        }

        private boolean allPadding(int pos, int end) {
            for (int i = pos; i < end; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** An explicit-VR element's value length and header size (12 bytes for the long VRs, else 8). */
    private record ElementHeader(long length, int size) {
    }

    private static ElementHeader explicitHeader(byte[] b, int pos, int end, String vr, String unknownVr)
            throws ScanException {
        if (LONG_VRS.contains(vr)) {
            need(end, pos, 12);
            return new ElementHeader(u32(b, pos + 8), 12);
        }
        if (SHORT_VRS.contains(vr)) {
            return new ElementHeader(u16(b, pos + 6), 8);
        }
        throw corrupt(unknownVr);
    }

    private static void need(int end, int pos, int bytes) throws ScanException {
        if ((long) pos + bytes > end) {
            throw pastEnd();
        }
    }

    static ScanException pastEnd() {
        return corrupt("A DICOM element's length runs past the end of the data (the file is truncated or damaged).");
    }

    static ScanException corrupt(String message) {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, message);
    }

    private static int tag(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    private static String vr(byte[] b, int at) {
        return new String(b, at + 4, 2, StandardCharsets.ISO_8859_1);
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
