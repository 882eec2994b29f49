package dev.brainscan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 27, rows 3-4 and 8: serve's admission of classification work and request bodies. */
class ServeGateTest {

    @Test
    void bodiesPastTheBytesInFlight_refusedAtOnce_admittedAgainWhenReleased() throws Exception {
        try (ServeGate gate = new ServeGate(1, 1, 40L << 20)) {
            long a = gate.admitBody(4L << 20); // 16 MiB counted (4 per body byte)
            long b = gate.admitBody(4L << 20);
            assertThrows(ServeGate.Busy.class, () -> gate.admitBody(4L << 20), "48 MiB of 40");
            gate.releaseBody(a);
            long c = gate.admitBody(4L << 20);
            gate.releaseBody(b);
            gate.releaseBody(c);
        }
    }

    @Test
    void classifyQueueFull_refusedAtOnce_whileTheWorkRunsOnPlatformThreads() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try (ServeGate gate = new ServeGate(1, 1, 1L << 30)) {
            Future<Boolean> running = callers.submit(() -> gate.classify(() -> {
                started.countDown();
                release.await();
                return Thread.currentThread().isVirtual();
            }));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            Future<Boolean> queued = callers.submit(() -> gate.classify(() -> true));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (gate.queued() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, gate.queued());
            long start = System.nanoTime();
            assertThrows(ServeGate.Busy.class, () -> gate.classify(() -> true));
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "refused without waiting");
            release.countDown();
            assertEquals(false, running.get(5, TimeUnit.SECONDS), "classification ran on a platform thread");
            assertTrue(queued.get(5, TimeUnit.SECONDS));
        } finally {
            callers.shutdownNow();
        }
    }
}
