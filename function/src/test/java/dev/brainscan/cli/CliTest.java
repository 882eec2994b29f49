package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written command-line grammar: what it accepts, what it refuses, and how help reads. */
class CliTest {
    static Cli.Parsed classify(String... args) {
        return Cli.parse(ClassifyCommand.SPEC, List.of(args));
    }

    @Test
    void valuesBothWays_lastWins_flagsAndOperandsInOrder() {
        Cli.Parsed p = classify("--format", "csv", "a.jpg", "--threads=3", "--series", "-", "--format=TABLE", "dir");
        assertEquals(OutputFormat.TABLE, p.choice("--format", OutputFormat.class, OutputFormat.JSONL));
        assertEquals(3, p.integer("--threads", 1));
        assertTrue(p.flag("--series"));
        assertFalse(p.flag("--heatmaps"));
        assertNull(p.path("--out"));
        assertEquals(List.of("a.jpg", "-", "dir"), p.operands());
    }

    @Test
    void doubleDash_endsTheOptions() {
        Cli.Parsed p = classify("--", "--format", "-weird-name.jpg");
        assertEquals(List.of("--format", "-weird-name.jpg"), p.operands());
        assertFalse(p.flag("--format"));
    }

    @Test
    void equalsSignInAValue_isKept() {
        assertEquals(Path.of("a=b"), classify("--out=a=b", "x").path("--out"));
    }

    @Test
    void refusals_sayWhatIsWrong() {
        assertEquals("Unknown option: '--no-such'", message(() -> classify("--no-such", "a.jpg")));
        assertEquals("Missing required parameter for option '--format' (FORMAT)", message(() -> classify("a.jpg", "--format")));
        assertEquals("Missing required parameter: 'PATH'", message(() -> classify("--series")));
        assertEquals("Option '--series' takes no value.", message(() -> classify("--series=yes", "a.jpg")));
        assertEquals("Invalid value for option '--threads': 'two' is not an int.",
                message(() -> classify("--threads", "two", "a").integer("--threads", 1)));
        assertEquals("Invalid value for option '--format': 'xml' is not one of jsonl, json, csv, table.",
                message(() -> classify("--format", "xml", "a").choice("--format", OutputFormat.class, null)));
        assertEquals("Unmatched argument: 'extra'", message(() -> Cli.parse(ServeCommand.SPEC, List.of("extra"))));
    }

    @Test
    void helpAndVersion_needNoOperands() {
        assertTrue(classify("--help").help());
        assertTrue(classify("-V").version());
    }

    @Test
    void main_usageErrorsGoToStderrWithTheCommandsUsage_exitTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), "phantom", "--count", "3");
        assertEquals(2, exit);
        assertEquals("", out.toString());
        assertTrue(err.toString().startsWith("Missing required option: '--out=DIR'"), err.toString());
        assertTrue(err.toString().contains("Usage: brainscan phantom"), err.toString());

        err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "classify-all", "x"));
        assertTrue(err.toString().startsWith("Unknown command: 'classify-all'"), err.toString());
        assertTrue(err.toString().contains("Usage: brainscan [-hV] [COMMAND]"), err.toString());
    }

    @Test
    void help_linesFitEightyColumns() {
        for (Main.Entry e : Main.COMMANDS.values()) {
            StringWriter w = new StringWriter();
            Cli.usage(e.spec(), new PrintWriter(w));
            for (String line : w.toString().lines().toList()) {
                // description and footer lines are printed as written; the generated ones wrap
                if (!e.spec().description().contains(line) && !e.spec().footer().contains(line)) {
                    assertTrue(line.length() <= Cli.WIDTH, e.spec().name() + ": " + line.length() + ": " + line);
                }
            }
        }
    }

    private static String message(Runnable r) {
        return assertThrows(Cli.UsageException.class, r::run).getMessage();
    }
}
