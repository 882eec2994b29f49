package dev.brainscan.flow;

import java.util.Locale;

/**
 * The order of S3 events on one key, by their {@code sequencer}: S3's documented way to tell
 * which of two events on the same object key happened later (events on one key may arrive
 * out of order; an older version's event may come after a newer one's). Sequencers are hex
 * strings of varying length: the shorter is padded with zeros on the right, then the two are
 * compared as strings. Stored in a result's {@code source.sequencer} so a later write can
 * tell whether the result it would replace belongs to a newer upload.
 */
public final class EventOrder {
    private EventOrder() {
    }

    /** Negative, zero or positive as sequencer {@code a} is before, the same as, or after {@code b}. */
    public static int compare(String a, String b) {
        String x = a.trim().toUpperCase(Locale.ROOT);
        String y = b.trim().toUpperCase(Locale.ROOT);
        int n = Math.max(x.length(), y.length());
        return pad(x, n).compareTo(pad(y, n));
    }

    private static String pad(String s, int n) {
        return s.length() >= n ? s : s + "0".repeat(n - s.length());
    }

    /** Whether {@code s} looks like a sequencer (hex digits), so a stray value cannot decide anything. */
    public static boolean valid(String s) {
        return s != null && !s.isEmpty() && s.length() <= 64 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
