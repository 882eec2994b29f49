package dev.brainscan.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.http.UploadUrls;
import dev.brainscan.log.ScanLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBucketTest {
    @TempDir
    Path dir;

    LocalBucket bucket(Duration ttl) {
        return new LocalBucket(dir.resolve("bucket"), "http://127.0.0.1:3000", ttl,
                new ScanLog(new PrintStream(new ByteArrayOutputStream()), false));
    }

    @Test
    void issuedUrl_pointsAtThisServer_andOpensOnceForItsDeclaredSize() throws Exception {
        LocalBucket bucket = bucket(Duration.ofMinutes(5));
        UploadUrls.Upload u = bucket.create("scans/a b.jpg", "image/jpeg", OptionalLong.of(3));
        assertEquals("http://127.0.0.1:3000/local-uploads/scans/a b.jpg", u.url());
        assertEquals("image/jpeg", u.headers().get("Content-Type"));
        assertTrue(bucket.open("scans/a b.jpg"));
        assertFalse(bucket.open("scans/other.jpg"));
        assertFalse(bucket.open(null));
        assertEquals(3L, bucket.declaredSize("scans/a b.jpg"));
        bucket.put("scans/a b.jpg", new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("bucket/scans/a b.jpg")));
        assertFalse(bucket.open("scans/a b.jpg"), "a URL is used up by its upload");
        assertNull(bucket.declaredSize("scans/a b.jpg"));
        bucket.close(false);
    }

    @Test
    void expiredUrl_isClosed() {
        LocalBucket bucket = bucket(Duration.ofSeconds(-1));
        bucket.create("scans/late.jpg", "image/jpeg", OptionalLong.empty());
        assertFalse(bucket.open("scans/late.jpg"));
        bucket.close(false);
    }

    @Test
    void close_withDelete_removesTheFolder() throws Exception {
        LocalBucket bucket = bucket(Duration.ofMinutes(5));
        bucket.create("scans/x.jpg", "image/jpeg", OptionalLong.empty());
        bucket.put("scans/x.jpg", new byte[] {9});
        bucket.close(true);
        assertFalse(Files.exists(dir.resolve("bucket")));
    }
}
