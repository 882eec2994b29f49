package dev.brainscan.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.core.model.ScanModel;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Log key hashes correlate within a deployment and resist a dictionary without the secret. */
class KeyHashTest {
    static final String KEY = "scans/ward7/Jane Doe.jpg";

    @Test
    void sameKeySameHash_withinTheProcess() {
        assertEquals(KeyHash.of(KEY), KeyHash.of(KEY));
        assertEquals(KeyHash.of(KEY), ScanLog.keyHash(KEY));
        assertTrue(KeyHash.of(KEY).matches("[0-9a-f]{16}"));
        assertNotEquals(KeyHash.of(KEY), KeyHash.of(KEY + " "));
    }

    @Test
    void aDictionaryOfPlainHashes_findsNothing() {
        // The old scheme: an unkeyed SHA-256 prefix, reversible by hashing guesses.
        Set<String> dictionary = new HashSet<>();
        for (int ward = 1; ward <= 20; ward++) {
            for (String name : new String[] {"Jane Doe", "John Doe", "Max Mustermann"}) {
                String guess = "scans/ward" + ward + "/" + name + ".jpg";
                dictionary.add(ScanModel.sha256(guess.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
            }
        }
        assertTrue(!dictionary.contains(KeyHash.of(KEY)));
    }

    @Test
    void theSecretDecides_andAShortConfiguredSecretIsRefused() {
        byte[] a = KeyHash.secret("a-deployment-secret-of-some-length");
        byte[] b = KeyHash.secret("another-deployment-secret-entirely");
        assertEquals(KeyHash.of(a, KEY), KeyHash.of(KeyHash.secret("a-deployment-secret-of-some-length"), KEY));
        assertNotEquals(KeyHash.of(a, KEY), KeyHash.of(b, KEY));
        assertNotEquals(KeyHash.of(KeyHash.secret(null), KEY), KeyHash.of(KeyHash.secret(null), KEY),
                "random secrets differ");
        assertThrows(IllegalArgumentException.class, () -> KeyHash.secret("short"));
    }

    /** The key read from SSM at start: every function and version holding it hashes a key alike. */
    @Test
    void anInstalledSecret_isUsedFromThenOn_andAShortOneIsRefused() {
        String shared = "a-shared-log-key-from-ssm-0123";
        KeyHash.install(shared);
        assertEquals(KeyHash.of(KeyHash.secret(shared), KEY), KeyHash.of(KEY));
        assertEquals(KeyHash.of(KeyHash.secret(shared), KEY), ScanLog.keyHash(KEY));
        assertThrows(IllegalArgumentException.class, () -> KeyHash.install("short"));
        assertThrows(IllegalArgumentException.class, () -> KeyHash.install(" "));
        assertEquals(KeyHash.of(KeyHash.secret(shared), KEY), KeyHash.of(KEY), "a refused secret changes nothing");
    }

    /** BRAINSCAN_LOG_KEY is read where every setting is (Config), checked there, never printed, installed at start-up. */
    @Test
    void theConfiguredLogKey_isReadByConfig_checkedByName_neverPrinted_andInstalled() {
        String configured = "a-configured-log-key-4567";
        Config config = Config.fromEnv(Map.of("BRAINSCAN_LOG_KEY", configured));
        assertFalse(config.toString().contains(configured), config.toString());
        Brainscan.installLogKey(config);
        assertEquals(KeyHash.of(KeyHash.secret(configured), KEY), ScanLog.keyHash(KEY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("BRAINSCAN_LOG_KEY", "too-short")));
        assertEquals("BRAINSCAN_LOG_KEY must be at least 16 characters", e.getMessage());
        Brainscan.installLogKey(Config.fromEnv(Map.of()));
        assertEquals(KeyHash.of(KeyHash.secret(configured), KEY), KeyHash.of(KEY), "no key configured changes nothing");
    }
}
