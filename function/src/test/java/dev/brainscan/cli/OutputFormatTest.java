package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The table never shows a probability as exactly 0 or 1 unless it is, and never loses the start of an id. */
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

    @Test
    void tableIds_wholeWhenTheyFit_elseCutInTheMiddle() {
        String uid = "1.2.826.0.1.3680043.8.498.10203040506070809000111222333444555666777";
        String cut = OutputFormat.fit("series:" + uid, 44);
        assertEquals(44, cut.length());
        assertTrue(cut.startsWith("series:"), cut);
        assertTrue(cut.endsWith(uid.substring(uid.length() - 20)), cut);
        assertTrue(cut.contains("..."), cut);
        assertEquals("scans/a.jpg", OutputFormat.fit("scans/a.jpg", 44));
        String path = "/home/someone/studies/2026/a-long-folder-name/slice-0042.jpg";
        assertTrue(OutputFormat.fit(path, 44).endsWith("/slice-0042.jpg"), OutputFormat.fit(path, 44));
    }
}
