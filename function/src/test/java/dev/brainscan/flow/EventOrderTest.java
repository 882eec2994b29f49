package dev.brainscan.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventOrderTest {
    @Test
    void sequencers_compareAsHexRightPaddedToTheSameLength() {
        assertTrue(EventOrder.compare("0055AED6DCD90281E5", "0055AED6DCD90281E6") < 0);
        assertTrue(EventOrder.compare("0055AED6DCD9028200", "0055AED6DCD90281E5") > 0);
        assertEquals(0, EventOrder.compare("0055AED6DCD90281E5", "0055aed6dcd90281e5"));
        // a shorter sequencer is padded with zeros on the right
        assertEquals(0, EventOrder.compare("0055AED6DCD90281", "0055AED6DCD9028100"));
        assertTrue(EventOrder.compare("0055AED6DCD90282", "0055AED6DCD90281FF") > 0);
    }

    @Test
    void onlyHexStringsAreSequencers() {
        assertTrue(EventOrder.valid("0A1B2C3D4E5F678901"));
        assertFalse(EventOrder.valid(null));
        assertFalse(EventOrder.valid(""));
        assertFalse(EventOrder.valid("zz"));
        assertFalse(EventOrder.valid("1".repeat(65)));
    }
}
