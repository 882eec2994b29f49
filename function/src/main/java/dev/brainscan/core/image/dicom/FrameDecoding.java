package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The guard around a third-party frame decoder (JJ2000): its exceptions become the input's
 * {@code CORRUPT_IMAGE}, an {@code Error} the input's code too (counted, like the image
 * wing's decoder errors: the header checks are meant to make it never happen), and a
 * watchdog aborts a decode that runs past the budget (a backstop: the checks bound the work).
 */
final class FrameDecoding {
    /** The image wing's default decode budget (ImageDecoder.DEFAULT_DECODE_BUDGET). */
    static final Duration BUDGET = Duration.ofSeconds(10);

    private static final LongAdder ERRORS = new LongAdder();
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private FrameDecoding() {
    }

    /** A decode that throws whatever its library throws. */
    @FunctionalInterface
    interface Decode {
        int[] run() throws Exception;
    }

    /** How many Errors a frame decoder threw since the process started (see ImageDecoder.decoderErrors). */
    static long errors() {
        return ERRORS.sum();
    }

    static int[] guarded(String family, Decode decode) throws ScanException {
        try {
            return decode.run();
        } catch (ScanException e) {
            throw e;
        } catch (Exception e) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM " + family + " frame is truncated or damaged.",
                    e);
        } catch (OutOfMemoryError e) {
            ERRORS.increment();
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE,
                    "Decoding the DICOM " + family + " frame needs more memory than allowed.", e);
        } catch (Error e) {
            // JJ2000's JJ2KExceptionHandler turns an IOException it meets inside a code block
            // (data cut short) into ThreadDeath: a damaged stream, not a resource failure.
            if (!(e instanceof ThreadDeath)) {
                ERRORS.increment();
            }
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM " + family + " frame is truncated or damaged.",
                    e);
        }
    }

    static ScheduledFuture<?> watch(Runnable abort) {
        return WATCHDOG.schedule(abort, BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    }

    static ScanException overBudget() {
        return new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                "Decoding the image took longer than the %d ms allowed.", BUDGET.toMillis()));
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dicom-frame-watchdog");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }
}
