package dev.brainscan.core;

import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;

/** The plausibility gate's answer as the refusal a record states. */
final class Gate {
    private Gate() {
    }

    /** Refuses before a crop was found when {@code reason} is not null. */
    static void reject(String reason) throws ScanException {
        if (reason != null) {
            throw refusal(reason);
        }
    }

    /** Refuses the crop at {@code box} when {@code reason} is not null. */
    static void reject(String reason, CropBox box) throws Preprocessor.Refused {
        if (reason != null) {
            throw new Preprocessor.Refused(refusal(reason), box);
        }
    }

    private static ScanException refusal(String reason) {
        return new ScanException(ErrorCode.NOT_A_BRAIN_MRI, "This does not look like a brain MR slice: " + reason + ".");
    }
}
