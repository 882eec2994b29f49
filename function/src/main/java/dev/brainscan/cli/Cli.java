package dev.brainscan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The command line, parsed and described by hand: GNU-style long options ({@code --name VALUE}
 * or {@code --name=VALUE}), {@code -h/--help}, {@code -V/--version}, {@code --} ending the
 * options, {@code -} as an operand (standard input).
 *
 * <p>Not picocli, which did this before: its classes are Java 5 class files, verified by the
 * old type-inferring verifier at every start and never kept in the AOT cache, and building
 * its model by reflection cost about 170 ms of a one-core {@code classify} (measured in the
 * docs/benchmarks.md, History); these few classes load from the cache like the rest.
 */
final class Cli {
    private Cli() {
    }

    /** A command line that cannot run: the message, then the command's usage on stderr, exit 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** One option: its name, the label of its value (null for a flag), its help line, whether it must be given. */
    record Option(String name, String label, String help, boolean required) {
        Option(String name, String label, String help) {
            this(name, label, help, false);
        }

        boolean flag() {
            return label == null;
        }
    }

    /**
     * A command's grammar and help: its options, the label of its operands (null for none),
     * how many operands it needs at least, and the help's description and footer lines.
     */
    record Spec(String name, List<String> description, List<Option> options, String operands, String operandsHelp,
                int minOperands, List<String> footer) {
        Option option(String name) {
            for (Option o : options) {
                if (o.name().equals(name)) {
                    return o;
                }
            }
            return null;
        }
    }

    /** The options shared by every command that classifies ({@link ModelOptions}), then {@code own}. */
    static List<Option> withModelOptions(Option... own) {
        List<Option> all = new ArrayList<>(MODEL_OPTIONS);
        all.addAll(List.of(own));
        return List.copyOf(all);
    }

    private static final List<Option> MODEL_OPTIONS = List.of(
            new Option("--model", "DIR",
                    "Model directory with brainscan.json and its .onnx (default: MODEL_DIR, else the bundled model)."),
            new Option("--max-bytes", "N", "Largest accepted file in bytes (default: 20971520)."),
            new Option("--max-pixels", "N", "Largest accepted width x height (default: 40000000)."),
            new Option("--min-side", "N", "Smallest accepted width or height (default: 32)."));

    /** What one command line gave: the last value of each option, flags as "true", the operands in order. */
    static final class Parsed {
        private final Map<String, String> values = new LinkedHashMap<>();
        private final List<String> operands = new ArrayList<>();
        private boolean help;
        private boolean version;

        boolean help() {
            return help;
        }

        boolean version() {
            return version;
        }

        List<String> operands() {
            return operands;
        }

        boolean flag(String name) {
            return values.containsKey(name);
        }

        Path path(String name) {
            return convert(name, null, "is not a path", Path::of);
        }

        Integer integer(String name, Integer otherwise) {
            return convert(name, otherwise, "is not an int", v -> Integer.parseInt(v.strip()));
        }

        Long longValue(String name, Long otherwise) {
            return convert(name, otherwise, "is not a long", v -> Long.parseLong(v.strip()));
        }

        <E extends Enum<E>> E choice(String name, Class<E> type, E otherwise) {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
            return convert(name, otherwise, "is not one of " + String.join(", ", names),
                    v -> Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT)));
        }

        /** The option's value converted, or {@code otherwise} when absent; a value that does not convert is a usage error. */
        private <T> T convert(String name, T otherwise, String why, Function<String, T> parse) {
            String v = values.get(name);
            if (v == null) {
                return otherwise;
            }
            try {
                return parse.apply(v); // NumberFormatException and InvalidPathException are IllegalArgumentExceptions
            } catch (IllegalArgumentException e) {
                throw invalid(name, v, why);
            }
        }

        private static UsageException invalid(String name, String value, String why) {
            return new UsageException("Invalid value for option '" + name + "': '" + value + "' " + why + ".");
        }
    }

    /** Parses the arguments after the command's name against its spec. */
    static Parsed parse(Spec spec, List<String> args) {
        Parsed p = new Parsed();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (optionsEnded || a.equals("-") || !a.startsWith("-")) {
                p.operands.add(a);
                continue;
            }
            switch (a) {
                case "--" -> {
                    optionsEnded = true;
                    continue;
                }
                case "-h", "--help" -> {
                    p.help = true;
                    continue;
                }
                case "-V", "--version" -> {
                    p.version = true;
                    continue;
                }
                default -> {
                }
            }
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            Option o = spec.option(name);
            if (o == null) {
                throw new UsageException("Unknown option: '" + name + "'");
            }
            if (o.flag()) {
                if (eq > 0) {
                    throw new UsageException("Option '" + name + "' takes no value.");
                }
                p.values.put(name, "true");
            } else if (eq > 0) {
                p.values.put(name, a.substring(eq + 1));
            } else if (i + 1 < args.size()) {
                p.values.put(name, args.get(++i));
            } else {
                throw new UsageException("Missing required parameter for option '" + name + "' (" + o.label() + ")");
            }
        }
        if (p.help || p.version) {
            return p; // answered before anything else is checked
        }
        for (Option o : spec.options()) {
            if (o.required() && !p.values.containsKey(o.name())) {
                throw new UsageException("Missing required option: '" + o.name() + "=" + o.label() + "'");
            }
        }
        if (p.operands.size() < spec.minOperands()) {
            throw new UsageException("Missing required parameter: '" + spec.operands() + "'");
        }
        if (spec.operands() == null && !p.operands.isEmpty()) {
            throw new UsageException("Unmatched argument: '" + p.operands.get(0) + "'");
        }
        return p;
    }

    /** The command's help: synopsis, description, operands, options, footer. */
    static void usage(Spec spec, PrintWriter w) {
        StringBuilder synopsis = new StringBuilder("Usage: brainscan ").append(spec.name()).append(" [-hV]");
        for (Option o : spec.options()) {
            String option = o.name() + (o.flag() ? "" : "=" + o.label());
            synopsis.append(' ').append(o.required() ? option : "[" + option + "]");
        }
        if (spec.operands() != null) {
            synopsis.append(' ').append(spec.minOperands() > 0 ? spec.operands() + "..." : "[" + spec.operands() + "...]");
        }
        w.println(wrap(synopsis.toString(), 0, "        "));
        spec.description().forEach(w::println);
        List<String[]> rows = new ArrayList<>();
        if (spec.operands() != null) {
            rows.add(new String[] {"      " + spec.operands() + "...", spec.operandsHelp()});
        }
        for (Option o : spec.options()) {
            rows.add(new String[] {"      " + o.name() + (o.flag() ? "" : "=" + o.label()), o.help()});
        }
        rows.addAll(STANDARD_ROWS);
        table(rows, w);
        spec.footer().forEach(w::println);
        w.flush();
    }

    /** The help rows of {@code -h} and {@code -V}, which every command and the top level take. */
    static final List<String[]> STANDARD_ROWS = List.of(
            new String[] {"  -h, --help", "Show this help message and exit."},
            new String[] {"  -V, --version", "Print version information and exit."});

    /** Two columns, the second wrapped at 80 characters and aligned. */
    static void table(List<String[]> rows, PrintWriter w) {
        int left = 0;
        for (String[] r : rows) {
            left = Math.max(left, r[0].length());
        }
        left = Math.min(left + 2, 36);
        String indent = " ".repeat(left);
        for (String[] r : rows) {
            String head = r[0].length() + 2 > left ? r[0] + "\n" + indent : r[0] + " ".repeat(left - r[0].length());
            w.println(head + wrap(r[1], left, indent));
        }
    }

    static final int WIDTH = 80;

    /**
     * Words of {@code text} in lines of at most {@link #WIDTH} columns, the first starting at
     * column {@code start}, the others after {@code indent}.
     */
    static String wrap(String text, int start, String indent) {
        StringBuilder out = new StringBuilder();
        int column = start;
        boolean lineEmpty = true;
        for (String word : text.split(" ")) {
            if (!lineEmpty && column + 1 + word.length() > WIDTH) {
                out.append('\n').append(indent);
                column = indent.length();
                lineEmpty = true;
            }
            if (!lineEmpty) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
            lineEmpty = false;
        }
        return out.toString();
    }
}
