package dev.brainscan.core.result;

/** The notice every result carries. */
public final class Notice {
    public static final String TEXT = "Research use only. Not a medical device; not for diagnosis.";

    private Notice() {
    }
}
