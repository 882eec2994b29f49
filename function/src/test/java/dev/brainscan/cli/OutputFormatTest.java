package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The table never shows a probability as exactly 0 or 1 unless it is. */
class OutputFormatTest {
    @Test
    void shares_neverRoundToZeroOrOne() {
        assertEquals("> 0.999", OutputFormat.share(0.99996, 3));
        assertEquals("< 0.001", OutputFormat.share(0.00002, 3));
        assertEquals("1.000", OutputFormat.share(1.0, 3));
        assertEquals("0.000", OutputFormat.share(0.0, 3));
        assertEquals("0.959", OutputFormat.share(0.9591, 3));
        assertEquals("> 0.99", OutputFormat.share(0.996, 2));
        assertEquals("0.50", OutputFormat.share(0.5, 2));
    }
}
