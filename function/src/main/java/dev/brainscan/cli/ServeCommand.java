package dev.brainscan.cli;

import dev.brainscan.config.Config;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.result.Notice;
import dev.brainscan.serve.LocalServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: the HTTP API of the Lambda on 127.0.0.1, unauthenticated, for local use. */
final class ServeCommand implements Main.Command {
    static final Cli.Spec SPEC = new Cli.Spec("serve",
            List.of("Serve the HTTP API and the web page on 127.0.0.1 (local use, no authentication).",
                    "Routes: POST /classify, POST /uploads, GET /results/{id}, GET /model, GET /health, and the page at /.",
                    "Logs go to stdout as JSON lines."),
            Cli.withModelOptions(
                    new Cli.Option("--port", "PORT", "Port (default: 3000; 0 picks a free one)."),
                    new Cli.Option("--store", "DIR",
                            "Directory standing in for the bucket (uploads and results; default: a new temporary one)."),
                    new Cli.Option("--threads", "N", "Scans classified at once, never more than the cores "
                            + "(default: 2 per core, at least 4, so every core); 4 x N more may wait (at least 16), "
                            + "past that 503 BUSY. /health and the other routes never wait for them.")),
            null, null, 0, List.of());

    final ModelOptions model;
    final int port;
    final Path store;
    final int threads;

    ServeCommand(Cli.Parsed p) {
        model = new ModelOptions(p);
        port = p.integer("--port", 3000);
        store = p.path("--store");
        threads = p.integer("--threads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    /** Why the server did not start, in words a user can act on (Jetty's own message names only the address). */
    static String whyNotStarted(Throwable e, int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                String m = t.getMessage() != null ? t.getMessage() : "";
                if (m.contains("in use")) {
                    return "the port is in use by another program; stop it, name another with --port N, "
                            + "or --port 0 for a free one";
                }
                if (m.contains("ermission") && port < 1024) {
                    return "ports below 1024 need administrator rights; use --port 3000 or another above 1023";
                }
                return m.isEmpty() ? "the address cannot be bound" : m;
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    @Override
    public int run(PrintWriter out, PrintWriter err) throws Exception {
        if (port < 0 || port > 65535 || threads < 1) {
            throw new Cli.UsageException("--port must be 0-65535 and --threads at least 1");
        }
        if (store != null) {
            String why = ClassifyCommand.whyNotAFolder(store);
            if (why != null) {
                err.println("brainscan: cannot use --store " + store + ": " + why);
                return Main.USAGE;
            }
        }
        Config config = model.config();
        // the model first: a stop while it loads (seconds) must not leave a temporary store behind
        ScanClassifier classifier = ModelOptions.classifier(config);
        Path dir = store != null ? Files.createDirectories(store) : Files.createTempDirectory("brainscan-serve-");
        LocalServer server;
        try {
            server = LocalServer.start(classifier, config, port, dir, System.out, threads);
        } catch (IOException | RuntimeException e) {
            if (store == null) {
                LocalServer.deleteTree(dir);
            }
            classifier.close();
            err.println("brainscan: cannot serve on 127.0.0.1:" + port + ": " + whyNotStarted(e, port));
            return Main.USAGE;
        }
        if (store == null) {
            server.deleteStoreOnClose(); // the temporary bucket stand-in (scans, results) goes with the server
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            classifier.close();
            stopped.countDown();
        }));
        err.printf("brainscan serving http://127.0.0.1:%d (model %s %s); bucket stand-in: %s%n", server.port(),
                classifier.manifest().name(), classifier.manifest().version(), dir);
        err.printf("try: curl -s -X POST --data-binary @scan.jpg -H 'Content-Type: image/jpeg' http://127.0.0.1:%d/classify%n",
                server.port());
        err.println(Notice.TEXT + " Ctrl-C stops.");
        err.flush();
        stopped.await();
        return 0;
    }
}
