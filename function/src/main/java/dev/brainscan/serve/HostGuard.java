package dev.brainscan.serve;

import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to the loopback server: the Host must name this address and port (a
 * DNS-rebound name reaches 127.0.0.1 with the attacker's Host), and an Origin, where a browser
 * sends one, must be this server (another site's page cannot post scans here). Refused: 403.
 */
final class HostGuard {
    private final int port;
    private final Set<String> hosts;
    private final Set<String> origins;

    HostGuard(int port) {
        this.port = port;
        this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
        this.origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port);
    }

    /** Why a request with these {@code Host} and {@code Origin} headers (either may be null) is refused, or null. */
    String refusal(String host, String origin) {
        if (host == null || !hosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
            return "This server answers only requests for http://127.0.0.1:" + port + ".";
        }
        if (origin != null && !origins.contains(origin.trim().toLowerCase(Locale.ROOT))) {
            return "Requests from other sites are refused.";
        }
        return null;
    }
}
