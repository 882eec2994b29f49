package dev.brainscan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class HostGuardTest {
    final HostGuard guard = new HostGuard(3000);

    @Test
    void thisAddressAndPort_withoutOrOwnOrigin_areLetIn() {
        assertNull(guard.refusal("127.0.0.1:3000", null));
        assertNull(guard.refusal(" LocalHost:3000 ", "http://127.0.0.1:3000"));
        assertNull(guard.refusal("localhost:3000", "http://localhost:3000"));
    }

    @Test
    void anotherHostOrPort_isRefused() {
        for (String host : new String[] {null, "evil.example:3000", "127.0.0.1:3001", "127.0.0.1", "localhost"}) {
            assertEquals("This server answers only requests for http://127.0.0.1:3000.", guard.refusal(host, null), host);
        }
    }

    @Test
    void anotherSitesOrigin_isRefused() {
        for (String origin : new String[] {"http://evil.example", "https://127.0.0.1:3000", "null", "http://localhost:3001"}) {
            assertEquals("Requests from other sites are refused.", guard.refusal("127.0.0.1:3000", origin), origin);
        }
    }
}
