package dev.brainscan.log;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place object keys are turned into log-safe hashes: HMAC-SHA256 under a secret, cut
 * to 16 hex digits. Within a deployment the same key always gives the same hash (lines can be
 * correlated); without the secret a dictionary of likely names ({@code scans/ward7/Jane Doe.jpg})
 * cannot be hashed to find one. The secret is the one {@link #install installed} at start-up
 * ({@code BRAINSCAN_LOG_KEY}, read by {@code Config}; in Lambda also the SSM parameter
 * {@code BRAINSCAN_LOG_KEY_PARAMETER}, read after each SnapStart restore so that no snapshot holds
 * it), or, when none is, 32 random bytes made once per process (under SnapStart, once per
 * published version: the snapshot carries it; such hashes do not join across functions).
 */
public final class KeyHash {
    static final int MIN_SECRET_CHARS = 16;

    private static volatile SecretKeySpec secret = new SecretKeySpec(secret(null), "HmacSHA256");

    private KeyHash() {
    }

    static byte[] secret(String configured) {
        if (configured != null && !configured.isBlank()) {
            if (configured.length() < MIN_SECRET_CHARS) {
                throw new IllegalArgumentException("the log key must be at least " + MIN_SECRET_CHARS + " characters");
            }
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    /**
     * Makes {@code configured} (at least {@value #MIN_SECRET_CHARS} characters) the secret from now on.
     * Call it before the first request: lines hashed before and after do not join.
     */
    public static void install(String configured) {
        if (configured == null || configured.isBlank()) {
            throw new IllegalArgumentException("the log key is empty");
        }
        secret = new SecretKeySpec(secret(configured), "HmacSHA256");
    }

    /** The 16-hex-digit keyed hash of an object key. */
    public static String of(String key) {
        return of(secret, key);
    }

    static String of(SecretKeySpec secret, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static String of(byte[] secret, String key) {
        return of(new SecretKeySpec(secret, "HmacSHA256"), key);
    }
}
