package dev.brainscan.cli;

import java.io.Console;
import java.io.PrintWriter;

/** A one-line progress bar on stderr, drawn only when stderr is an interactive terminal. */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final int total;
    private final boolean enabled;
    private int done;
    private int failed;

    Progress(PrintWriter err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled && total > 1;
    }

    /** Whether this process talks to a terminal (Java 22+ reports it; on 21 a console means one). */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    void step(boolean ok) {
        done++;
        if (!ok) {
            failed++;
        }
        if (enabled) {
            int width = 30;
            int filled = (int) ((long) width * done / total);
            err.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total
                    + (failed > 0 ? " (" + failed + " failed)" : ""));
            err.flush();
        }
    }

    @Override
    public void close() {
        if (enabled) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
    }
}
