package dev.brainscan.serve;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code serve} lets in, so that classification never starves the server:
 * <ul>
 *   <li>CPU-bound work (classification) runs on a fixed pool of {@code threads} platform
 *       threads with a queue of at most {@code queue} waiting requests; past that a request is
 *       refused at once ({@link Busy}, answered 503 with {@code Retry-After}). Request handlers
 *       stay on virtual threads, which only wait: no CPU-bound work holds a carrier thread, and
 *       {@code /health} and {@code /model} do not pass here at all ({@link LocalServer#cheap}),
 *       so they are answered while every classify thread is busy (before, classification ran
 *       on the virtual threads themselves and four slow inputs held every carrier:
 *       {@code /health} took up to 27 s).</li>
 *   <li>Request bodies are admitted against a budget of bytes in flight (each body counted
 *       {@link #BYTES_PER_BODY_BYTE} times: the body, its base64 event form, the decoded
 *       copy, the multipart part), sized from the heap; a body that does not fit is refused
 *       before it is read (503 with {@code Retry-After}), instead of 120 concurrent 4 MB posts
 *       exhausting the heap.</li>
 * </ul>
 */
final class ServeGate implements AutoCloseable {
    /** Heap bytes a request body costs per byte on its way through the handler (see above). */
    static final int BYTES_PER_BODY_BYTE = 4;
    /** The share of the heap that request bodies in flight may take. */
    static final double HEAP_SHARE_FOR_BODIES = 0.25;
    /** Seconds a refused client is asked to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 2;

    /** The request was not admitted; the server answers 503 with {@code Retry-After}. */
    static final class Busy extends Exception {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final ThreadPoolExecutor pool;
    private final Semaphore bodyKib;
    private final int maxBodyKib;

    ServeGate(int threads, int queue, long maxBodyBytesInFlight) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "serve-classify-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.maxBodyKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBodyBytesInFlight >> 10));
        this.bodyKib = new Semaphore(maxBodyKib);
    }

    /**
     * The gate for at most {@code threads} classify threads and no more than the processors
     * (classification is CPU-bound: more threads than cores only make every request slower,
     * {@code /health} included), a queue of four per requested thread (at least 16), bodies in a
     * quarter of the heap.
     */
    static ServeGate forHeap(int threads, long maxRequestBytes) {
        long budget = (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE_FOR_BODIES);
        int cpu = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        // at least one largest request must always fit
        return new ServeGate(cpu, Math.max(16, 4 * threads), Math.max(budget, maxRequestBytes * BYTES_PER_BODY_BYTE));
    }

    /**
     * Reserves room for a body of {@code bytes} (the declared length, or the most a request
     * may carry when none is declared), or throws {@link Busy}. Returns what to release.
     */
    long admitBody(long bytes) throws Busy {
        int kib = (int) Math.min(maxBodyKib, ((bytes * BYTES_PER_BODY_BYTE) >> 10) + 1);
        if (!bodyKib.tryAcquire(kib)) {
            throw new Busy("The server is receiving as much data as it holds at once; try again shortly.");
        }
        return kib;
    }

    void releaseBody(long reservation) {
        bodyKib.release((int) reservation);
    }

    /** Runs {@code work} on a classify thread and waits for it, or throws {@link Busy} when the queue is full. */
    <T> T classify(Callable<T> work) throws Busy, InterruptedException {
        Future<T> f;
        try {
            f = pool.submit(work);
        } catch (RejectedExecutionException e) {
            throw new Busy("Every classification slot and queue place is taken; try again shortly.");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    int queued() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
