import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 27's serve load, from a process of its own: bursts of four bombs posted at once every
 * 250 ms, normal scans back to back, and GET /health every 20 ms over one kept-alive connection
 * (so the client adds no connection set-up). Prints /health idle and under load (median, 95th,
 * 99th, max), the scans, the bomb statuses and the load average.
 *
 *   java tools/ServeHealthProbe.java PORT BOMB_FILE NORMAL_FILE [SECONDS]
 *
 * against a running {@code serve --port PORT} (BOMB_FILE: BudgetCorpus'
 * r1-dicom-1000-colour-jpeg-frames-sof-6320.dcm; NORMAL_FILE: its normal-phantom.jpg).
 */
public class ServeHealthProbe {
    static int port;

    public static void main(String[] args) throws Exception {
        port = Integer.parseInt(args[0]);
        byte[] bomb = Files.readAllBytes(Path.of(args[1]));
        byte[] normal = Files.readAllBytes(Path.of(args[2]));
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        for (int i = 0; i < 3; i++) { // warm-up
            post(normal);
            post(bomb);
        }
        try (Socket health = new Socket("127.0.0.1", port)) {
            health.setTcpNoDelay(true);
            List<Double> idle = new ArrayList<>();
            for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; Thread.sleep(20)) {
                idle.add(health(health));
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<Double> loaded = Collections.synchronizedList(new ArrayList<>());
            List<Double> scans = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Integer> bombs = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newCachedThreadPool();
            List<Future<?>> running = new ArrayList<>();
            running.add(pool.submit(() -> {
                while (!stop.get()) {
                    List<Future<Integer>> burst = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        burst.add(pool.submit(() -> post(bomb)));
                    }
                    for (Future<Integer> f : burst) {
                        bombs.merge(f.get(), 1, Integer::sum);
                    }
                    Thread.sleep(250);
                }
                return null;
            }));
            running.add(pool.submit(() -> {
                while (!stop.get()) {
                    long t = System.nanoTime();
                    int status = post(normal);
                    scans.add((System.nanoTime() - t) / 1e6);
                    if (status != 200) {
                        throw new IllegalStateException("a normal scan got " + status);
                    }
                }
                return null;
            }));
            running.add(pool.submit(() -> {
                while (!stop.get()) {
                    loaded.add(health(health));
                    Thread.sleep(20);
                }
                return null;
            }));
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            System.out.printf(Locale.ROOT, "/health idle: median %.1f ms, 95th %.1f, max %.1f (%d); under load: median %.1f ms, "
                            + "95th %.1f, 99th %.1f, max %.1f (%d); normal scans: median %.0f ms, max %.0f (%d); bombs %s; "
                            + "load average %s%n",
                    q(idle, .5), q(idle, .95), q(idle, 1), idle.size(), q(loaded, .5), q(loaded, .95), q(loaded, .99),
                    q(loaded, 1), loaded.size(), q(scans, .5), q(scans, 1), scans.size(), bombs,
                    Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    static double q(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    static double health(Socket s) throws IOException {
        long t = System.nanoTime();
        OutputStream out = s.getOutputStream();
        out.write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the server closed the /health connection");
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return (System.nanoTime() - t) / 1e6;
    }

    static int post(byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write(("POST /classify HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(response.substring(9, 12));
        }
    }
}
