package dev.brainscan.cli;

import dev.brainscan.core.model.ModelLoadException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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
        } catch (FileSystemException e) {
            // a path the user named (or the temporary folder) cannot be used: the path and why, no stack trace
            err.println("brainscan: " + describe(e));
            return SOFTWARE;
        } catch (Exception e) {
            err.println("brainscan: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return SOFTWARE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** "PATH: the reason" for a file-system failure, in words (the exception's own message is often the path alone). */
    static String describe(FileSystemException e) {
        String file = e.getFile() != null ? e.getFile() : "?";
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            reason = "no such file or folder";
        } else if (e instanceof FileAlreadyExistsException) {
            reason = "a file of that name is in the way (expected a folder, or nothing)";
        } else if (e instanceof NotDirectoryException) {
            reason = "not a folder";
        } else if (e.getReason() != null) {
            reason = e.getReason();
        } else {
            reason = e.getClass().getSimpleName();
        }
        return file + (e.getOtherFile() != null ? " -> " + e.getOtherFile() : "") + ": " + reason;
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
            case "help" -> {
                // "help" and "help COMMAND", as git and most tools take them
                if (args.length == 1) {
                    topLevelUsage(out);
                    return OK;
                }
                Entry entry = COMMANDS.get(args[1]);
                if (entry == null || args.length > 2) {
                    throw new Cli.UsageException(args.length > 2 ? "help takes one command at most"
                            : "Unknown command: '" + args[1] + "' (commands: " + String.join(", ", COMMANDS.keySet()) + ")");
                }
                Cli.usage(entry.spec(), out);
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
        List<String[]> rows = new java.util.ArrayList<>(COMMANDS.entrySet().stream()
                .map(e -> new String[] {"  " + e.getKey(), e.getValue().spec().description().get(0)})
                .toList());
        rows.add(new String[] {"  help [COMMAND]", "Show this help, or one command's (as COMMAND --help does)."});
        Cli.table(rows, w);
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
