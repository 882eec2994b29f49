package dev.brainscan.infra;

import static dev.brainscan.infra.Template.list;
import static dev.brainscan.infra.Template.map;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The files that run the stack outside AWS agree with template.yaml. */
class LocalSetupTest {
    private static final Template TEMPLATE = Template.load();
    private static final Path INFRA = TEMPLATE.root.resolve("infra");
    private static final Path INIT_SCRIPT = INFRA.resolve("localstack/init/ready.d/init-brainscan.sh");

    /** JSON is YAML, and the suite needs no JSON library for three small files. */
    private static Map<String, Object> json(Path file) {
        return CloudFormationYaml.load(file);
    }

    @Test
    void envJson_namesOnlyTemplateFunctionsAndVariablesTheyDeclare() {
        // sam local --env-vars overrides only variables the template declares; others are silently dropped.
        Map<String, Object> env = json(INFRA.resolve("env.json"));
        for (Map.Entry<String, Object> entry : env.entrySet()) {
            List<String> functions = entry.getKey().equals("Parameters")
                    ? TEMPLATE.functionIds() : List.of(entry.getKey());
            assertTrue(TEMPLATE.functionIds().containsAll(functions), "env.json: no function " + entry.getKey());
            for (String function : functions) {
                for (String variable : map(entry.getValue()).keySet()) {
                    assertTrue(TEMPLATE.environment(function).containsKey(variable),
                            "env.json sets " + variable + " for " + function + ", which template.yaml does not declare");
                }
            }
        }
    }

    @Test
    void envJson_pointsAtLocalStackWithTelemetryOff() {
        Map<String, Object> shared = map(json(INFRA.resolve("env.json")).get("Parameters"));
        assertAll(
                () -> assertEquals("true", shared.get("OPT_OUT_TRACKING")),
                () -> assertEquals("1", shared.get("ORT_DISABLE_TELEMETRY")),
                () -> assertEquals("http://host.docker.internal:4566", shared.get("AWS_ENDPOINT_URL_S3")),
                () -> assertEquals("scans/", shared.get("INPUT_PREFIX")),
                () -> assertEquals("results/", shared.get("RESULT_PREFIX")));
        assertEquals("brainscan-local", map(json(INFRA.resolve("env.json")).get("ServeApiFunction")).get("BUCKET"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void parameterFile_setsTemplateParametersToAllowedValuesWithIamAuth(String environment) {
        Map<String, Object> parameters = TEMPLATE.section("Parameters");
        Map<String, Object> values = json(INFRA.resolve("params/" + environment + ".json"));
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            assertTrue(parameters.containsKey(entry.getKey()), environment + ": no parameter " + entry.getKey());
            assertTrue(entry.getValue() instanceof String, environment + "." + entry.getKey() + " must be a string");
            Object allowed = map(parameters.get(entry.getKey())).get("AllowedValues");
            if (allowed != null) {
                assertTrue(list(allowed).stream().map(String::valueOf).toList().contains(entry.getValue()),
                        environment + "." + entry.getKey() + "=" + entry.getValue() + " is not allowed");
            }
        }
        assertEquals("AWS_IAM", values.get("ApiAuth"));
    }

    @Test
    void parameterFiles_keepDevDataAndLogsNoLongerThanProd() {
        Map<String, Object> dev = json(INFRA.resolve("params/dev.json"));
        Map<String, Object> prod = json(INFRA.resolve("params/prod.json"));
        for (String retention : List.of("LogRetentionDays", "ScanRetentionDays")) {
            assertTrue(Integer.parseInt((String) dev.get(retention)) <= Integer.parseInt((String) prod.get(retention)),
                    retention);
        }
    }

    @Test
    void compose_runsAPinnedLocalStackWithTheNeededServicesAndTheInitScript() throws IOException {
        String compose = Files.readString(INFRA.resolve("localstack/docker-compose.yml"));
        assertTrue(compose.contains("image: localstack/localstack:4.14.0"), "LocalStack tags after 4.14.0 need a token");
        Matcher services = Pattern.compile("SERVICES: (\\S+)").matcher(compose);
        assertTrue(services.find());
        assertTrue(List.of(services.group(1).split(",")).containsAll(List.of("s3", "lambda", "sqs", "logs", "iam", "sts")));
        assertTrue(compose.contains("4566:4566"));
        assertTrue(compose.contains("source: ./init/ready.d") && compose.contains("target: /etc/localstack/init/ready.d"));
        assertTrue(compose.contains("source: ../../function/target/brainscan-lambda.zip"));
    }

    @Test
    void initScript_isExecutableAndValidBash() throws IOException, InterruptedException {
        assertTrue(Files.getPosixFilePermissions(INIT_SCRIPT).contains(PosixFilePermission.OWNER_EXECUTE));
        Process bash = new ProcessBuilder("bash", "-n", INIT_SCRIPT.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes());
        assertEquals(0, bash.waitFor(), output);
    }

    @Test
    void initScript_deploysTheUploadHandlerAsTheTemplateDoes() throws IOException {
        String script = Files.readString(INIT_SCRIPT);
        assertAll(
                () -> assertTrue(script.contains("HANDLER=" + TEMPLATE.functionProperty("ClassifyUploadFunction", "Handler"))),
                () -> assertTrue(script.contains("--runtime java21")),
                () -> assertTrue(script.contains("BUCKET=brainscan-local")),
                () -> assertTrue(script.contains("INPUT_PREFIX=scans/")),
                () -> assertTrue(script.contains("\"OPT_OUT_TRACKING\":\"true\"")),
                () -> assertTrue(script.contains("\"ORT_DISABLE_TELEMETRY\":\"1\"")),
                () -> assertTrue(script.contains("\"AWS_ENDPOINT_URL_S3\"")),
                () -> assertTrue(script.contains("--maximum-retry-attempts 2")),
                () -> assertTrue(script.contains("OnFailure")),
                () -> assertTrue(script.contains("s3:ObjectCreated:*")),
                () -> assertTrue(script.contains("set -euo pipefail")));
    }

    @Test
    void ciWorkflow_runsTheProjectScriptOnJava25() throws IOException {
        String workflow = Files.readString(TEMPLATE.root.resolve(".github/workflows/ci.yml"));
        Map<String, Object> parsed = CloudFormationYaml.load(TEMPLATE.root.resolve(".github/workflows/ci.yml"));
        // YAML 1.1 reads the bare key "on" as true.
        Object triggers = parsed.containsKey("on") ? parsed.get("on") : parsed.get(Boolean.TRUE);
        assertTrue(map(triggers).keySet().containsAll(List.of("push", "pull_request")));
        assertTrue(workflow.contains("runs-on: ubuntu-latest"));
        assertTrue(workflow.contains("distribution: temurin") && workflow.contains("java-version: '25'"));
        assertTrue(workflow.contains("cache: maven"));
        assertTrue(workflow.contains("run: bash .ci/run"));
    }

    @Test
    void readme_documentsTheCommandsForEachFile() throws IOException {
        String readme = Files.readString(INFRA.resolve("README.md"));
        Stream.of("infra/scripts/deploy.sh", "sam deploy --guided --capabilities CAPABILITY_IAM",
                        "sam local invoke ClassifyUploadFunction -e events/s3-put.json --env-vars infra/env.json",
                        "docker compose -f infra/localstack/docker-compose.yml up",
                        "sam local start-api", "params/dev.json", "params/prod.json")
                .forEach(command -> assertTrue(readme.contains(command), "infra/README.md lacks " + command));
    }
}
