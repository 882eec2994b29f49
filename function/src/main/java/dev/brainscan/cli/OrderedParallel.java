package dev.brainscan.cli;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs work on a fixed pool and hands results to the sink in input order, with at most a few
 * tasks per thread in flight (a huge folder does not queue its whole content in memory).
 */
final class OrderedParallel {
    private OrderedParallel() {
    }

    static <T, R> void run(List<T> items, int threads, Function<T, R> work, Consumer<R> sink) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "scan-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
            int window = threads * 4;
            for (T item : items) {
                if (inFlight.size() >= window) {
                    sink.accept(await(inFlight.removeFirst()));
                }
                inFlight.addLast(pool.submit(() -> work.apply(item)));
            }
            while (!inFlight.isEmpty()) {
                sink.accept(await(inFlight.removeFirst()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <R> R await(Future<R> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
