package dev.brainscan.cli;

import dev.brainscan.core.model.ModelLoadException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code java -jar brainscan.jar <command>}: the same core the Lambda runs, on a laptop. */
public final class Main {
    static final int OK = 0;
    static final int SOFTWARE = 1;
    static final int USAGE = 2;

    private Main() {
    }

    /** A command after parsing: runs with the process's streams and returns the exit code. */
    interface Command {
        int run(PrintWriter out, PrintWriter err) throws Exception;
    }

    /** A command's grammar and how a parsed command line becomes the command. */
    record Entry(Cli.Spec spec, Function<Cli.Parsed, Command> bind) {
    }

    /** The commands, in the order the top-level help lists them. */
    static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("classify", new Entry(ClassifyCommand.SPEC, ClassifyCommand::new));
        COMMANDS.put("serve", new Entry(ServeCommand.SPEC, ServeCommand::new));
        COMMANDS.put("bench", new Entry(BenchCommand.SPEC, BenchCommand::new));
        COMMANDS.put("phantom", new Entry(PhantomCommand.SPEC, PhantomCommand::new));
    }

    public static void main(String[] args) {
        StartupReport.mainEntered();
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        // OfflineRuntime.apply() (telemetry off, offline DJL, ORT natives) runs in ScanModel.load,
        // before any DJL or ONNX Runtime class is touched, on the thread that loads the model.
        Entry entry = args.length > 0 ? COMMANDS.get(args[0]) : null;
        try {
            if (entry == null) {
                return topLevel(out, err, args);
            }
            Cli.Parsed parsed = Cli.parse(entry.spec(), Arrays.asList(args).subList(1, args.length));
            if (parsed.help()) {
                Cli.usage(entry.spec(), out);
                return OK;
            }
            if (parsed.version()) {
                printVersion(out);
                return OK;
            }
            return entry.bind().apply(parsed).run(out, err);
        } catch (Cli.UsageException e) {
            err.println(e.getMessage());
            if (entry != null) {
                Cli.usage(entry.spec(), err);
            } else {
                topLevelUsage(err);
            }
            return USAGE;
        } catch (ModelLoadException e) {
            // The arguments parsed, so no usage text: one line saying what is wrong, exit 2.
            err.println("brainscan: cannot load the model: " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            err.println("brainscan: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return SOFTWARE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int topLevel(PrintWriter out, PrintWriter err, String[] args) {
        if (args.length == 0) {
            List<String> names = List.copyOf(COMMANDS.keySet());
            throw new Cli.UsageException("Missing a command: " + String.join(", ", names.subList(0, names.size() - 1))
                    + " or " + names.get(names.size() - 1));
        }
        switch (args[0]) {
            case "-h", "--help" -> {
                topLevelUsage(out);
                return OK;
            }
            case "-V", "--version" -> {
                printVersion(out);
                return OK;
            }
            default -> throw new Cli.UsageException(args[0].startsWith("-")
                    ? "Unknown option: '" + args[0] + "'"
                    : "Unknown command: '" + args[0] + "' (commands: " + String.join(", ", COMMANDS.keySet()) + ")");
        }
    }

    private static void topLevelUsage(PrintWriter w) {
        w.println("Usage: brainscan [-hV] [COMMAND]");
        w.println("Brain-MRI tumour classifier (research use only; not a medical device).");
        w.println();
        Cli.table(Cli.STANDARD_ROWS, w);
        w.println("Commands:");
        Cli.table(COMMANDS.entrySet().stream()
                .map(e -> new String[] {"  " + e.getKey(), e.getValue().spec().description().get(0)})
                .toList(), w);
        w.println();
        w.println("Exit codes: 0 every input classified, 1 any input failed, 2 usage error or unusable model.");
        w.flush();
    }

    private static void printVersion(PrintWriter out) {
        for (String line : VersionProvider.lines()) {
            out.println(line);
        }
    }
}
