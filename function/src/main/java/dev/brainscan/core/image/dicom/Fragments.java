package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Encapsulated pixel data (PS3.5 A.4): which fragments make up each frame, and a frame's
 * code stream as one array.
 */
final class Fragments {
    private final byte[] data;
    /** Per frame, its fragments as {offset, length} pairs in {@link #data}. */
    private final List<int[][]> frames;

    private Fragments(byte[] data, List<int[][]> frames) {
        this.data = data;
        this.frames = List.copyOf(frames);
    }

    /**
     * Groups the fragments into {@code frames} frames: all of them for a single frame; one each
     * when there are as many fragments as frames; else by the basic offset table; else a
     * fragment starting with a JPEG start-of-image marker starts a new frame.
     */
    static Fragments group(DicomParser.Dataset ds, int frames) throws ScanException {
        List<int[]> fragments = ds.fragments;
        if (fragments.isEmpty()) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM pixel data has no fragments.");
        }
        List<int[][]> out = new ArrayList<>();
        if (frames == 1) {
            out.add(fragments.toArray(new int[0][]));
            return new Fragments(ds.data, out);
        }
        if (fragments.size() == frames) {
            for (int[] f : fragments) {
                out.add(new int[][] {f});
            }
            return new Fragments(ds.data, out);
        }
        if (ds.offsetTable != null && ds.offsetTable.length == frames) {
            // Offsets count from the first fragment's item tag; fragment i's item tag is 8 bytes before its value.
            long base = fragments.get(0)[0] - 8L;
            int f = 0;
            for (int frame = 0; frame < frames; frame++) {
                long start = base + ds.offsetTable[frame];
                long stop = frame + 1 < frames ? base + ds.offsetTable[frame + 1] : Long.MAX_VALUE;
                List<int[]> parts = new ArrayList<>();
                while (f < fragments.size() && fragments.get(f)[0] - 8L < stop) {
                    if (fragments.get(f)[0] - 8L >= start) {
                        parts.add(fragments.get(f));
                    }
                    f++;
                }
                if (parts.isEmpty()) {
                    throw truncatedFrames(frames);
                }
                out.add(parts.toArray(new int[0][]));
            }
            return new Fragments(ds.data, out);
        }
        if (ds.syntax.pixels == TransferSyntax.Pixels.JPEG || ds.syntax.pixels == TransferSyntax.Pixels.JPEG_LS
                || ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000) {
            // A frame starts with a JPEG start-of-image marker (JPEG-LS too), or JPEG 2000's start-of-codestream.
            int second = ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000 ? 0x4F : 0xD8;
            List<int[]> current = null;
            for (int[] f : fragments) {
                boolean soi = f[1] >= 2 && (ds.data[f[0]] & 0xff) == 0xFF && (ds.data[f[0] + 1] & 0xff) == second;
                if (soi || current == null) {
                    if (current != null) {
                        out.add(current.toArray(new int[0][]));
                    }
                    current = new ArrayList<>();
                }
                current.add(f);
            }
            out.add(current.toArray(new int[0][]));
        }
        if (out.size() != frames) {
            throw truncatedFrames(frames);
        }
        return new Fragments(ds.data, out);
    }

    private static ScanException truncatedFrames(int frames) {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                "The DICOM pixel data does not hold the %d frames its header announces.", frames));
    }

    /** The code stream of frame {@code frame} (0-based): its fragments joined. */
    byte[] frame(int frame) {
        int[][] parts = frames.get(frame);
        if (parts.length == 1) {
            return Arrays.copyOfRange(data, parts[0][0], parts[0][0] + parts[0][1]);
        }
        int total = 0;
        for (int[] p : parts) {
            total += p[1];
        }
        byte[] out = new byte[total];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(data, p[0], out, o, p[1]);
            o += p[1];
        }
        return out;
    }
}
