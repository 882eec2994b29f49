package dev.brainscan.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The scans named on the command line: files as given, directories walked recursively
 * (every regular, non-hidden file, in path order; decoding decides what is an image).
 */
final class ScanInputs {
    private ScanInputs() {
    }

    /** The argument that means "one image from standard input" (a file named - is ./-). */
    static final String STDIN = "-";

    /** One input: the name shown in its record, and its path (null when it does not exist or is standard input). */
    record ScanInput(String name, Path path) {
        boolean stdin() {
            return path == null && STDIN.equals(name);
        }
    }

    static List<ScanInput> expand(List<String> args) {
        List<ScanInput> out = new ArrayList<>();
        for (String arg : args) {
            if (STDIN.equals(arg)) {
                out.add(new ScanInput(arg, null));
                continue;
            }
            Path path = Path.of(arg);
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile)
                            .filter(p -> !isHidden(path.relativize(p)))
                            .sorted()
                            .forEach(p -> out.add(new ScanInput(p.toString(), p)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + arg, e);
                }
            } else if (Files.isRegularFile(path)) {
                out.add(new ScanInput(arg, path));
            } else {
                out.add(new ScanInput(arg, null));
            }
        }
        return out;
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
