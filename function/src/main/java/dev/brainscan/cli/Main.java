package dev.brainscan.cli;

import dev.brainscan.core.ModelLoadException;
import dev.brainscan.core.OfflineRuntime;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar brainscan.jar <command>}: the same core the Lambda runs, on a laptop. */
@Command(name = "brainscan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Brain-MRI tumour classifier (research use only; not a medical device).", ""},
        subcommands = {ClassifyCommand.class, ServeCommand.class, BenchCommand.class, PhantomCommand.class},
        footer = {"", "Exit codes: 0 every input classified, 1 any input failed, 2 usage error or unusable model."})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command: classify, serve, bench or phantom");
    }

    /** When main was entered (epoch ms), for the start-up report. */
    static long mainEnteredAt;

    public static void main(String[] args) {
        mainEnteredAt = System.currentTimeMillis();
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        OfflineRuntime.apply();
        CommandLine cli = new CommandLine(new Main());
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
