package dev.brainscan.cli;

import dev.brainscan.core.model.ModelLoadException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code java -jar brainscan.jar <command>}: the same core the Lambda runs, on a laptop. */
@Command(name = "brainscan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Brain-MRI tumour classifier (research use only; not a medical device).", ""},
        footer = {"", "Exit codes: 0 every input classified, 1 any input failed, 2 usage error or unusable model."})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command: classify, serve, bench or phantom");
    }

    /** The commands, in the order the top-level help lists them. */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("classify", ClassifyCommand::new);
        COMMANDS.put("serve", ServeCommand::new);
        COMMANDS.put("bench", BenchCommand::new);
        COMMANDS.put("phantom", PhantomCommand::new);
    }

    public static void main(String[] args) {
        StartupReport.mainEntered();
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        // OfflineRuntime.apply() (telemetry off, offline DJL, ORT natives) runs in ScanModel.load,
        // before any DJL or ONNX Runtime class is touched, on the thread that loads the model.
        CommandLine cli = new CommandLine(new Main());
        // picocli builds a command's model by reflection, and its classes (Java 5 class files)
        // cannot be kept linked in the AOT cache: build only the command that runs, or all
        // of them for the top-level help and for an unknown command (about 80 ms on one core).
        Supplier<Object> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (only != null) {
            cli.addSubcommand(args[0], only.get());
        } else {
            COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ModelLoadException) {
                // The arguments parsed, so no usage text: one line saying what is wrong, exit 2.
                commandLine.getErr().println("brainscan: cannot load the model: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            commandLine.getErr().println("brainscan: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli.execute(args);
    }
}
