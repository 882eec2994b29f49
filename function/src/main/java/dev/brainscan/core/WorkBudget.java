package dev.brainscan.core;

import dev.brainscan.core.image.Limits;
import dev.brainscan.core.image.dicom.DicomImage;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.Locale;

/**
 * The work one input may cause, however many frames, files or entries it holds: a multi-frame
 * DICOM file, or a zip whose entries and their frames count together. The per-image limits
 * ({@link Limits}) bound one frame; this bounds their sum:
 * <ul>
 *   <li>at most {@link #maxFrames()} frames (records) in all;</li>
 *   <li>at most {@link #maxPixels()} pixels decoded in all, sized from the heap (Lambda gives
 *       CPU in proportion to memory, so the time an input may take scales the same way);</li>
 *   <li>within one file, after {@link #MAX_DAMAGED_FRAMES} damaged frames the rest are answered
 *       without being decoded (the frames of one file share one encoder: one bad frame
 *       predicts the next).</li>
 * </ul>
 * Past the budget, each further frame or file is answered with an error record and never
 * decoded. Not thread-safe: one budget belongs to one input on one thread.
 */
public final class WorkBudget {
    /** Damaged frames decoded per file before the rest of that file is skipped. */
    public static final int MAX_DAMAGED_FRAMES = 3;
    /** Bytes of heap per pixel of the total budget: 2 (a 512 MB heap: 256 MP, about 1,000 slices of 512x512). */
    static final long HEAP_BYTES_PER_PIXEL = 2;
    /** The total pixel budget is at least one image at the pixel limit and at most ten. */
    static final int MAX_IMAGES_AT_LIMIT = 10;

    private final int maxFrames;
    private final long maxPixels;
    private int frames;
    private long pixels;

    public WorkBudget(int maxFrames, long maxPixels) {
        if (maxFrames <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("budget must be positive");
        }
        this.maxFrames = maxFrames;
        this.maxPixels = maxPixels;
    }

    /** The budget of one input under {@code limits} in this process's heap. */
    public static WorkBudget forInput(Limits limits) {
        return forHeap(limits, Runtime.getRuntime().maxMemory());
    }

    static WorkBudget forHeap(Limits limits, long heapBytes) {
        long pixels = Math.max(limits.maxPixels(),
                Math.min(heapBytes / HEAP_BYTES_PER_PIXEL, limits.maxPixels() * MAX_IMAGES_AT_LIMIT));
        return new WorkBudget(DicomImage.MAX_FRAMES, pixels);
    }

    public int maxFrames() {
        return maxFrames;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public int framesLeft() {
        return maxFrames - frames;
    }

    /**
     * Takes {@code count} frames for one file, or returns why not ({@code IMAGE_TOO_LARGE}, the
     * file then answered with one record and none of its frames decoded).
     */
    ScanException takeFrames(int count) {
        if (count > framesLeft()) {
            return new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The input holds more than %d frames in all (a zip's files counted together); "
                            + "this file was not decoded.", maxFrames));
        }
        frames += count;
        return null;
    }

    /** Takes one frame's pixels before it is decoded, or returns why not. */
    ScanException takePixels(long count) {
        if (count > maxPixels - pixels) {
            pixels = maxPixels;
            return new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The input's frames add up to more than %d pixels in all; this frame was not decoded.",
                    maxPixels));
        }
        pixels += count;
        return null;
    }

    /** Whether nothing more may be decoded (frames or pixels spent). */
    boolean spent() {
        return frames >= maxFrames || pixels >= maxPixels;
    }

    /** Charges a non-DICOM image after its decode (its size is known only then). */
    void chargeImage(long imagePixels) {
        frames = Math.min(maxFrames, frames + 1);
        pixels = Math.min(maxPixels, pixels + imagePixels);
    }
}
