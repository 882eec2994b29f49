package dev.brainscan.infra;

import static dev.brainscan.infra.Template.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
        // Exit code 0: no error (2), no warning (4) and no informational finding (8).
        Run lint = run(List.of(cfnLint.get().toString(), "--include-checks", "I", "--format", "parseable", "--",
                "template.yaml"));
        assertEquals(0, lint.exit(), version.stdout().strip() + " reports:\n" + lint.stdout() + lint.stderr());
    }

    /** The SAM translator's output for these parameter values (Name=value), as resources. */
    static Map<String, Object> transformed(String... parameters) throws Exception {
        Optional<Path> python = tool("python3");
        if (python.isEmpty()) {
            missing("python3 with aws-sam-translator");
        }
        List<String> args = new ArrayList<>(List.of("infra/scripts/sam_transform.py", "template.yaml"));
        args.addAll(List.of(parameters));
        Run transform = run(prepend(python.get(), args));
        if (transform.exit() == 3) {
            Optional<Path> shim = Optional.of(Path.of(System.getProperty("user.home"), ".pyenv", "shims", "python3"))
                    .filter(Files::isExecutable).filter(p -> !p.equals(python.get()));
            if (shim.isPresent()) {
                transform = run(prepend(shim.get(), args));
            }
            if (transform.exit() == 3) {
                missing("aws-sam-translator (" + transform.stderr().strip() + ")");
            }
        }
        assertEquals(0, transform.exit(), "the SAM translator refused template.yaml with " + List.of(parameters)
                + ":\n" + transform.stderr());
        // JSON is YAML: read the output with the same reader as the template.
        Path json = Files.writeString(Files.createTempFile("transformed", ".json"), transform.stdout());
        try {
            return map(CloudFormationYaml.load(json).get("Resources"));
        } finally {
            Files.deleteIfExists(json);
        }
    }

    private static List<String> prepend(Path executable, List<String> args) {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(args);
        return command;
    }

    /** The logical ids of the AWS::Lambda::Version resources: a new id is a new published version. */
    private static Set<String> versionIds(Map<String, Object> resources) {
        return resources.entrySet().stream().filter(e -> "AWS::Lambda::Version".equals(map(e.getValue()).get("Type")))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * SAM names a version from AutoPublishCodeSha256 once it is set: a new DeployRevision is four
     * new versions (and the aliases move to them), the same revision keeps them.
     */
    @Test
    void samTranslator_publishesNewVersionsExactlyWhenTheDeployRevisionChanges() throws Exception {
        Set<String> first = versionIds(transformed("DeployRevision=0123456789abcdef"));
        Set<String> again = versionIds(transformed("DeployRevision=0123456789abcdef", "AlarmEmail=ops@example.org"));
        Set<String> next = versionIds(transformed("DeployRevision=fedcba9876543210"));
        assertEquals(4, first.size(), first.toString());
        assertEquals(first, again);
        assertTrue(next.stream().noneMatch(first::contains), first + " vs " + next);
    }

    /** Every option on at once (a public API, a KMS key, access logs, the log key, tracing) transforms too. */
    @Test
    void samTranslator_transformsEveryOptionTurnedOn() throws Exception {
        Map<String, Object> resources = transformed("ApiAuth=NONE",
                "KmsKeyArn=arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "AccessLogging=true", "LogKeyParameter=/brainscan/log-key", "Tracing=Active",
                "DeployRevision=00ff00ff00ff00ff");
        // CloudFormation resolves the mode; the translator keeps the reference.
        assertEquals(Map.of("Mode", Map.of("Ref", "Tracing")), map(map(resources.get("ClassifyUploadFunction")).get("Properties"))
                .get("TracingConfig"));
        assertEquals(4, versionIds(resources).size());
        Map<String, Object> jwt = transformed("ApiAuth=JWT", "DeployRevision=00ee00ee00ee00ee");
        assertEquals("AWS::ApiGatewayV2::Authorizer", map(jwt.get("JwtAuthorizer")).get("Type"));
        assertEquals("AWS::Cognito::UserPoolClient", map(jwt.get("UserPoolClient")).get("Type"));
    }

    /** deploy.py: the revision follows the zip and the function-affecting parameters, nothing else. */
    @Test
    void deployScript_revisionChangesWithTheZipAndFunctionParametersOnly() throws Exception {
        Optional<Path> python = tool("python3");
        if (python.isEmpty()) {
            missing("python3");
        }
        Path zip = Files.createTempFile("brainscan-lambda", ".zip");
        try {
            Files.writeString(zip, "zip one");
            String base = revision(python.get(), zip, "InputPrefix=scans/", "AlarmEmail=");
            assertEquals(base, revision(python.get(), zip, "InputPrefix=scans/", "AlarmEmail=ops@example.org"),
                    "an alarm address is not in a version");
            assertNotEquals(base, revision(python.get(), zip, "InputPrefix=uploads/", "AlarmEmail="));
            assertNotEquals(base, revision(python.get(), zip, "InputPrefix=scans/", "AlarmEmail=", "WriteHeatmaps=true"));
            Files.writeString(zip, "zip two");
            assertNotEquals(base, revision(python.get(), zip, "InputPrefix=scans/", "AlarmEmail="));
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    private static String revision(Path python, Path zip, String... parameters) throws Exception {
        List<String> command = new ArrayList<>(List.of(python.toString(), "infra/scripts/deploy.py", "--dry-run",
                "--zip", zip.toString()));
        command.addAll(List.of(parameters));
        Run dry = run(command);
        assertEquals(0, dry.exit(), dry.stderr());
        Matcher m = Pattern.compile("DeployRevision=([0-9a-f]{16})").matcher(dry.stdout());
        assertTrue(m.find(), dry.stdout());
        assertTrue(dry.stdout().startsWith("sam deploy "), dry.stdout());
        return m.group(1);
    }

    @Test
    void samTranslator_transformsTheTemplateCleanly() throws Exception {
        {
            Map<String, Object> resources = transformed();
            for (String function : List.of("ClassifyUploadFunction", "ServeApiFunction", "BackfillFunction")) {
                assertEquals("AWS::Lambda::Function", map(resources.get(function)).get("Type"), function);
                assertEquals("AWS::Lambda::Alias", map(resources.get(function + "Aliaslive")).get("Type"), function);
                Map<String, Object> properties = map(map(resources.get(function)).get("Properties"));
                assertEquals(Map.of("ApplyOn", "PublishedVersions"), properties.get("SnapStart"), function);
            }
            assertTrue(resources.containsKey("ClassifyUploadFunctionEventInvokeConfig"));
            assertEquals("Retain", map(resources.get("FailureQueue")).get("DeletionPolicy"));
        }
    }
}
