package dev.brainscan.core.image;

import java.util.Arrays;

/**
 * Per-thread scratch arrays for the per-scan hot path (blur, mask, resize), grown on demand
 * and reused, so that a scan does not allocate and zero a few megabytes of temporaries.
 * Only for arrays that never leave the method that borrows them.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);
    /** Above this many elements an array is not kept (a rare huge scan should not pin memory). */
    private static final int KEEP_LIMIT = 16 << 20;

    private byte[] bytes = new byte[0];
    private float[] floats = new float[0];
    private int[] ints = new int[0];
    private long[] longs = new long[0];

    static Workspace get() {
        return CURRENT.get();
    }

    /** At least {@code n} longs, contents undefined. */
    long[] longs(int n) {
        if (longs.length >= n) {
            return longs;
        }
        long[] a = new long[n];
        if (n <= KEEP_LIMIT) {
            longs = a;
        }
        return a;
    }

    /** At least {@code n} ints, contents undefined. */
    int[] ints(int n) {
        if (ints.length >= n) {
            return ints;
        }
        int[] a = new int[n];
        if (n <= KEEP_LIMIT) {
            ints = a;
        }
        return a;
    }

    /** Keeps a grown array for the next borrower (unless it is huge); returns it. */
    int[] keep(int[] grown) {
        if (grown.length > ints.length && grown.length <= KEEP_LIMIT) {
            ints = grown;
        }
        return grown;
    }

    /** At least {@code n} bytes, the first {@code n} zero. */
    byte[] zeroedBytes(int n) {
        if (bytes.length >= n) {
            Arrays.fill(bytes, 0, n, (byte) 0);
            return bytes;
        }
        byte[] a = new byte[n];
        if (n <= KEEP_LIMIT) {
            bytes = a;
        }
        return a;
    }

    /** At least {@code n} floats, the first {@code n} zero. */
    float[] zeroedFloats(int n) {
        if (floats.length >= n) {
            Arrays.fill(floats, 0, n, 0f);
            return floats;
        }
        float[] a = new float[n];
        if (n <= KEEP_LIMIT) {
            floats = a;
        }
        return a;
    }
}
