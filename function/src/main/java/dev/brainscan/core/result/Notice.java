package dev.brainscan.core.result;

/** The notice every result carries. */
public final class Notice {
    public static final String TEXT = "Research use only. Not a medical device; not for diagnosis.";

    /** The manifest's (or a record's) notice, or {@link #TEXT} where it names none: the one place for the default. */
    public static String of(String notice) {
        return notice != null ? notice : TEXT;
    }

    private Notice() {
    }
}
