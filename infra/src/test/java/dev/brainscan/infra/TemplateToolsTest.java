package dev.brainscan.infra;

import static dev.brainscan.infra.Template.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * template.yaml through the tools AWS itself uses: cfn-lint (no error, no warning) and the SAM
 * translator (a clean transform, as {@code sam deploy} does it). They live in the machine
 * image's Python (pyenv), not in Maven: where they are missing the tests skip and say so, and
 * under {@code CI=true} they fail instead.
 */
class TemplateToolsTest {
    private static final Path ROOT = Template.repositoryRoot();
    private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

    record Run(int exit, String stdout, String stderr) {
    }

    /** An executable by name on the PATH, else the pyenv shim of that name. */
    static Optional<Path> tool(String name) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, name));
            }
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".pyenv", "shims", name));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    static void missing(String what) {
        String message = what + " is not installed: the machine image's pyenv Python has it (pip install "
                + "cfn-lint aws-sam-translator elsewhere)";
        if (CI) {
            fail(message + "; required under CI=true");
        }
        Assumptions.abort(message);
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().putIfAbsent("AWS_DEFAULT_REGION", "us-east-1");
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " took over 180 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void cfnLint_findsNoErrorAndNoWarning() throws Exception {
        Optional<Path> cfnLint = tool("cfn-lint");
        if (cfnLint.isEmpty()) {
            missing("cfn-lint");
            return;
        }
        Run version = run(List.of(cfnLint.get().toString(), "--version"));
        if (version.exit() != 0) {
            missing("cfn-lint (" + cfnLint.get() + " does not run: " + version.stderr().strip() + ")");
        }
        // Exit code 0: no error (2) and no warning (4).
        Run lint = run(List.of(cfnLint.get().toString(), "--format", "parseable", "--", "template.yaml"));
        assertEquals(0, lint.exit(), version.stdout().strip() + " reports:\n" + lint.stdout() + lint.stderr());
    }

    @Test
    void samTranslator_transformsTheTemplateCleanly() throws Exception {
        Optional<Path> python = tool("python3");
        if (python.isEmpty()) {
            missing("python3 with aws-sam-translator");
            return;
        }
        Run transform = run(List.of(python.get().toString(), "infra/scripts/sam_transform.py", "template.yaml"));
        if (transform.exit() == 3) {
            Optional<Path> shim = Optional.of(Path.of(System.getProperty("user.home"), ".pyenv", "shims", "python3"))
                    .filter(Files::isExecutable).filter(p -> !p.equals(python.get()));
            if (shim.isPresent()) {
                transform = run(List.of(shim.get().toString(), "infra/scripts/sam_transform.py", "template.yaml"));
            }
            if (transform.exit() == 3) {
                missing("aws-sam-translator (" + transform.stderr().strip() + ")");
            }
        }
        assertEquals(0, transform.exit(), "the SAM translator refused template.yaml:\n" + transform.stderr());

        // JSON is YAML: read the output with the same reader as the template.
        Path json = Files.writeString(Files.createTempFile("transformed", ".json"), transform.stdout());
        try {
            Map<String, Object> resources = map(CloudFormationYaml.load(json).get("Resources"));
            for (String function : List.of("ClassifyUploadFunction", "ServeApiFunction", "BackfillFunction")) {
                assertEquals("AWS::Lambda::Function", map(resources.get(function)).get("Type"), function);
                assertEquals("AWS::Lambda::Alias", map(resources.get(function + "Aliaslive")).get("Type"), function);
                Map<String, Object> properties = map(map(resources.get(function)).get("Properties"));
                assertEquals(Map.of("ApplyOn", "PublishedVersions"), properties.get("SnapStart"), function);
            }
            assertTrue(resources.containsKey("ClassifyUploadFunctionEventInvokeConfig"));
            assertEquals("Retain", map(resources.get("FailureQueue")).get("DeletionPolicy"));
        } finally {
            Files.deleteIfExists(json);
        }
    }
}
