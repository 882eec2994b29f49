package dev.brainscan.infra;

import static dev.brainscan.infra.Template.list;
import static dev.brainscan.infra.Template.map;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What template.yaml must hold; read statically, nothing is deployed. */
class TemplateTest {
    private static final Template TEMPLATE = Template.load();

    private static final String UPLOAD = "ClassifyUploadFunction";
    private static final String API = "ServeApiFunction";
    private static final String BACKFILL = "BackfillFunction";
    private static final String FAILED = "FailedUploadsFunction";
    private static final String ZIP = "function/target/brainscan-lambda.zip";

    /** The bucket's name; wherever a !Ref to the bucket would close a cycle the same expression stands in. */
    private static final Object BUCKET_NAME = Map.of("Fn::Join", List.of("-", List.of("brainscan",
            Map.of("Fn::Select", List.of(2, Map.of("Fn::Split", List.of("/", Map.of("Ref", "AWS::StackId"))))))));

    static Stream<String> functionIds() {
        return TEMPLATE.functionIds().stream();
    }

    @Test
    void template_isTransformedBySam() {
        assertEquals("AWS::Serverless-2016-10-31", TEMPLATE.get("Transform"));
    }

    @Test
    void functions_areTheUploadClassifierTheApiTheBackfillAndTheFailureQueueConsumer() {
        assertEquals(Set.of(UPLOAD, API, BACKFILL, FAILED), Set.copyOf(TEMPLATE.functionIds()));
        assertEquals("dev.brainscan.lambda.FailedUploadHandler::handleRequest",
                TEMPLATE.functionProperty(FAILED, "Handler"));
        assertEquals("dev.brainscan.lambda.BackfillHandler::handleRequest", TEMPLATE.functionProperty(BACKFILL, "Handler"));
        assertEquals("dev.brainscan.lambda.ClassifyUploadHandler::handleRequest",
                TEMPLATE.functionProperty(UPLOAD, "Handler"));
        assertEquals("dev.brainscan.lambda.ServeApiRequestHandler::handleRequest",
                TEMPLATE.functionProperty(API, "Handler"));
    }

    /** Fails until the function module holds the handler classes. */
    @ParameterizedTest
    @MethodSource("functionIds")
    void handler_namesAClassOfTheFunctionModuleWithHandleRequest(String id) {
        String[] handler = ((String) TEMPLATE.functionProperty(id, "Handler")).split("::");
        assertEquals(2, handler.length, "Handler must be class::method");
        Class<?> type;
        try {
            // Not initialised: a handler may load the model in a static initialiser.
            type = Class.forName(handler[0], false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(id + ": no class " + handler[0] + " in the function module", e);
        }
        Method[] methods = type.getMethods();
        assertTrue(Arrays.stream(methods).anyMatch(m -> m.getName().equals(handler[1])),
                id + ": " + handler[0] + " has no public " + handler[1]);
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void function_runsOnJava21(String id) {
        assertEquals("java21", TEMPLATE.functionProperty(id, "Runtime"));
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void function_publishesAnAliasRestoredFromASnapStartSnapshot(String id) {
        Object alias = TEMPLATE.functionProperty(id, "AutoPublishAlias");
        assertTrue(alias instanceof String s && !s.isBlank(), id + ": AutoPublishAlias");
        assertEquals(Map.of("ApplyOn", "PublishedVersions"), TEMPLATE.functionProperty(id, "SnapStart"));
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void function_deploysTheZipTheMavenBuildMakesWithoutSamBuild(String id) throws IOException {
        assertEquals(ZIP, TEMPLATE.functionProperty(id, "CodeUri"));
        assertEquals(Boolean.TRUE, map(TEMPLATE.resource(id).get("Metadata")).get("SkipBuild"));
        String functionPom = Files.readString(TEMPLATE.root.resolve("function/pom.xml"));
        assertTrue(functionPom.contains("<finalName>brainscan-lambda</finalName>"),
                "function/pom.xml no longer names its zip brainscan-lambda");
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void function_turnsOffDjlAndOnnxRuntimeTelemetry(String id) {
        Map<String, Object> environment = TEMPLATE.environment(id);
        assertAll(
                () -> assertEquals("true", environment.get("OPT_OUT_TRACKING")),
                () -> assertEquals("1", environment.get("ORT_DISABLE_TELEMETRY")),
                () -> assertEquals("true", environment.get("DJL_OFFLINE")),
                () -> assertEquals("/tmp/djl-cache", environment.get("DJL_CACHE_DIR")));
    }

    @ParameterizedTest
    @MethodSource("functionIds")
    void function_readsPrefixesFromTheParametersAndLogsKeysAsHashes(String id) {
        Map<String, Object> environment = TEMPLATE.environment(id);
        assertEquals(Map.of("Ref", "InputPrefix"), environment.get("INPUT_PREFIX"));
        assertEquals(Map.of("Ref", "ResultPrefix"), environment.get("RESULT_PREFIX"));
        assertEquals("false", environment.get("LOG_OBJECT_KEYS"));
    }

    @Test
    void apiFunction_knowsTheBucketAndUploadHeatmapsFollowTheParameter() {
        assertEquals(Map.of("Ref", "Bucket"), TEMPLATE.environment(API).get("BUCKET"));
        assertEquals(Map.of("Ref", "WriteHeatmaps"), TEMPLATE.environment(UPLOAD).get("WRITE_HEATMAPS"));
    }

    @Test
    void s3EndpointOverride_isAbsentOnAwsUnlessAParameterSetsIt() {
        Object endpoint = Map.of("Fn::If",
                List.of("UseS3Endpoint", Map.of("Ref", "S3EndpointUrl"), Map.of("Ref", "AWS::NoValue")));
        assertEquals(endpoint, TEMPLATE.environment(UPLOAD).get("AWS_ENDPOINT_URL_S3"));
        assertEquals(endpoint, TEMPLATE.environment(API).get("AWS_ENDPOINT_URL_S3"));
        assertEquals("", map(TEMPLATE.section("Parameters").get("S3EndpointUrl")).get("Default"));
    }

    @Test
    void memoryHoldsTheLargestAcceptedScan_andTheApiAnswersUnderApiGatewaysThirtySeconds() {
        // A 36-megapixel scan peaks near 480 MB resident (docs/benchmarks.md, docs/operations.md "Memory").
        assertTrue((Integer) TEMPLATE.functionProperty(UPLOAD, "MemorySize") >= 1024);
        assertTrue((Integer) TEMPLATE.functionProperty(API, "MemorySize") >= 1024);
        assertTrue((Integer) TEMPLATE.functionProperty(UPLOAD, "Timeout") >= 10);
        assertTrue((Integer) TEMPLATE.functionProperty(API, "Timeout") <= 29);
    }

    @Test
    void architecture_isAParameterThatDefaultsToX86AndNamesTheArmBuild() {
        Map<String, Object> parameter = map(TEMPLATE.section("Parameters").get("Architecture"));
        assertEquals("x86_64", parameter.get("Default"));
        assertEquals(List.of("x86_64", "arm64"), parameter.get("AllowedValues"));
        assertTrue(((String) parameter.get("Description")).contains("-Dlambda.arch=arm64"));
        for (String id : TEMPLATE.functionIds()) {
            assertEquals(List.of(Map.of("Ref", "Architecture")), TEMPLATE.functionProperty(id, "Architectures"));
        }
    }

    @Test
    void parameters_haveTheDocumentedDefaults() {
        Map<String, Object> parameters = TEMPLATE.section("Parameters");
        assertAll(
                () -> assertEquals("scans/", map(parameters.get("InputPrefix")).get("Default")),
                () -> assertEquals("results/", map(parameters.get("ResultPrefix")).get("Default")),
                () -> assertEquals("CommaDelimitedList", map(parameters.get("CorsAllowedOrigins")).get("Type")),
                () -> assertEquals(List.of("false", "true"), map(parameters.get("WriteHeatmaps")).get("AllowedValues")),
                () -> assertEquals(30, map(parameters.get("LogRetentionDays")).get("Default")),
                () -> assertEquals(30, map(parameters.get("ScanRetentionDays")).get("Default")));
    }

    @Test
    void uploadTrigger_firesOnlyForObjectsCreatedUnderTheInputPrefix() {
        Map<String, Object> notifications = map(TEMPLATE.properties("Bucket").get("NotificationConfiguration"));
        List<Object> lambdas = list(notifications.get("LambdaConfigurations"));
        assertEquals(1, lambdas.size());
        Map<String, Object> trigger = map(lambdas.getFirst());
        assertEquals("s3:ObjectCreated:*", trigger.get("Event"));
        assertEquals(Map.of("Ref", UPLOAD + ".Alias"), trigger.get("Function"));
        List<Object> rules = list(map(map(trigger.get("Filter")).get("S3Key")).get("Rules"));
        assertEquals(List.of(Map.of("Name", "prefix", "Value", Map.of("Ref", "InputPrefix"))), rules);
        assertFalse(TEMPLATE.properties(UPLOAD).containsKey("Events"),
                "a SAM S3 event would add a second notification, and an invoke permission without SourceArn");
    }

    @Test
    void uploadTrigger_permissionAdmitsOnlyThisBucketInThisAccount() {
        Map<String, Object> permission = TEMPLATE.properties("ClassifyUploadInvokePermission");
        assertEquals("s3.amazonaws.com", permission.get("Principal"));
        assertEquals(Map.of("Ref", UPLOAD + ".Alias"), permission.get("FunctionName"));
        assertEquals(Map.of("Ref", "AWS::AccountId"), permission.get("SourceAccount"));
        assertEquals(Map.of("Fn::Sub", List.of("arn:${AWS::Partition}:s3:::${BucketName}",
                Map.of("BucketName", BUCKET_NAME))), permission.get("SourceArn"));
        // S3 checks it may invoke the function when the notification is set.
        assertTrue(list(TEMPLATE.resource("Bucket").get("DependsOn")).contains("ClassifyUploadInvokePermission"));
    }

    @Test
    void template_hasNoCircularDependencies() {
        TEMPLATE.dependencyCycle().ifPresent(cycle -> fail("dependency cycle: " + String.join(" -> ", cycle)));
    }

    @Test
    void bucket_isNamedFromTheStackIdSoTheUploadRoleNeedNotReferenceIt() {
        assertEquals(BUCKET_NAME, TEMPLATE.properties("Bucket").get("BucketName"));
        Map<String, Set<String>> dependencies = TEMPLATE.dependencies();
        assertFalse(dependencies.get("ClassifyUploadRole").contains("Bucket"));
        assertFalse(dependencies.get("ClassifyUploadInvokePermission").contains("Bucket"));
        for (Map<String, Object> statement : TEMPLATE.roleStatements("ClassifyUploadRole").values()) {
            Object resource = statement.get("Resource");
            if (resource instanceof Map<?, ?> m && m.containsKey("Fn::Sub") && m.get("Fn::Sub") instanceof List<?> sub) {
                assertEquals(BUCKET_NAME, map(sub.get(1)).get("BucketName"), "bucket name in " + statement.get("Sid"));
            }
        }
    }

    @Test
    void everyAllowStatement_namesItsActionsWithoutWildcards() {
        List<Map<String, Object>> statements = TEMPLATE.statements();
        assertFalse(statements.isEmpty());
        for (Map<String, Object> statement : statements) {
            assertFalse(statement.containsKey("NotAction"), "NotAction in " + statement);
            if ("Allow".equals(statement.get("Effect"))) {
                for (Object action : list(statement.get("Action"))) {
                    assertFalse(String.valueOf(action).contains("*"), "wildcard action " + action + " in " + statement);
                }
            } else {
                // A wildcard may only widen what a deny refuses.
                assertEquals("Deny", statement.get("Effect"), "Effect of " + statement);
            }
        }
    }

    @Test
    void roles_areExplicitWithNoManagedPoliciesOrSamPolicyTemplates() {
        for (String id : TEMPLATE.resources().keySet()) {
            assertFalse(TEMPLATE.properties(id).containsKey("ManagedPolicyArns"), id + " attaches managed policies");
        }
        for (String id : TEMPLATE.functionIds()) {
            assertFalse(TEMPLATE.properties(id).containsKey("Policies"), id + " uses SAM-generated policies");
            assertEquals(Map.of("Fn::GetAtt", List.of(id.replace("Function", "Role"), "Arn")),
                    TEMPLATE.functionProperty(id, "Role"));
        }
    }

    @Test
    void uploadRole_readsScansWritesResultsAndReportsFailuresOnly() {
        Map<String, Map<String, Object>> statements = TEMPLATE.roleStatements("ClassifyUploadRole");
        assertEquals(Set.of("ReadScans", "ListScans", "WriteResults", "ReportFailedEvents", "ReadResults", "ListResults",
                "WriteLogs"), statements.keySet());
        // Reading results (their sequencer) lets a late event for an older version leave the newer result alone.
        assertEquals(List.of("s3:GetObject"), list(statements.get("ReadResults").get("Action")));
        assertTrue(subText(statements.get("ReadResults").get("Resource")).endsWith("/${ResultPrefix}*"));
        assertEquals(Map.of("StringLike", Map.of("s3:prefix", Map.of("Fn::Sub", "${ResultPrefix}*"))),
                statements.get("ListResults").get("Condition"));
        // The flow reads the current object; no version is ever requested.
        assertEquals(List.of("s3:GetObject"), list(statements.get("ReadScans").get("Action")));
        assertTrue(subText(statements.get("ReadScans").get("Resource")).endsWith("/${InputPrefix}*"));
        assertEquals(List.of("s3:ListBucket"), list(statements.get("ListScans").get("Action")));
        assertEquals(Map.of("StringLike", Map.of("s3:prefix", Map.of("Fn::Sub", "${InputPrefix}*"))),
                statements.get("ListScans").get("Condition"));
        assertEquals(List.of("s3:PutObject"), list(statements.get("WriteResults").get("Action")));
        assertTrue(subText(statements.get("WriteResults").get("Resource")).endsWith("/${ResultPrefix}*"));
        assertEquals(List.of("sqs:SendMessage"), list(statements.get("ReportFailedEvents").get("Action")));
        assertEquals(Map.of("Fn::GetAtt", List.of("FailureQueue", "Arn")), statements.get("ReportFailedEvents").get("Resource"));
        assertEquals(Map.of("Fn::GetAtt", List.of("ClassifyUploadLogGroup", "Arn")), statements.get("WriteLogs").get("Resource"));
    }

    @Test
    void apiRole_presignsUploadsAndReadsResultsOnly() {
        Map<String, Map<String, Object>> statements = TEMPLATE.roleStatements("ServeApiRole");
        assertEquals(Set.of("PresignUploads", "ReadResults", "ListResults", "WriteLogs"), statements.keySet());
        assertEquals(List.of("s3:PutObject"), list(statements.get("PresignUploads").get("Action")));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/${InputPrefix}*"), statements.get("PresignUploads").get("Resource"));
        assertEquals(List.of("s3:GetObject"), list(statements.get("ReadResults").get("Action")));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/${ResultPrefix}*"), statements.get("ReadResults").get("Resource"));
        // ListBucket makes a missing result a 404 rather than a 403; the prefix keeps scans unlisted.
        assertEquals(List.of("s3:ListBucket"), list(statements.get("ListResults").get("Action")));
        assertEquals(Map.of("Fn::GetAtt", List.of("Bucket", "Arn")), statements.get("ListResults").get("Resource"));
        assertEquals(Map.of("StringLike", Map.of("s3:prefix", Map.of("Fn::Sub", "${ResultPrefix}*"))),
                statements.get("ListResults").get("Condition"));
        assertEquals(Map.of("Fn::GetAtt", List.of("ServeApiLogGroup", "Arn")), statements.get("WriteLogs").get("Resource"));
    }

    @Test
    void bucket_isEncryptedPrivateAndOwnedByTheBucketOwner() {
        Map<String, Object> bucket = TEMPLATE.properties("Bucket");
        Map<String, Object> byDefault = map(map(list(map(bucket.get("BucketEncryption"))
                .get("ServerSideEncryptionConfiguration")).getFirst()).get("ServerSideEncryptionByDefault"));
        assertTrue(Set.of("AES256", "aws:kms").contains(byDefault.get("SSEAlgorithm")));
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true), bucket.get("PublicAccessBlockConfiguration"));
        assertEquals(List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced")),
                map(bucket.get("OwnershipControls")).get("Rules"));
    }

    @Test
    void bucketPolicy_deniesEveryRequestWithoutTls() {
        Map<String, Object> policy = TEMPLATE.properties("BucketPolicy");
        assertEquals(Map.of("Ref", "Bucket"), policy.get("Bucket"));
        List<Object> statements = list(map(policy.get("PolicyDocument")).get("Statement"));
        assertTrue(statements.stream().map(Template::map).anyMatch(s -> "Deny".equals(s.get("Effect"))
                && "*".equals(s.get("Principal"))
                && list(s.get("Action")).contains("s3:*")
                && Map.of("Bool", Map.of("aws:SecureTransport", "false")).equals(s.get("Condition"))
                && list(s.get("Resource")).containsAll(List.of(Map.of("Fn::GetAtt", List.of("Bucket", "Arn")),
                        Map.of("Fn::Sub", "${Bucket.Arn}/*")))),
                "no statement denies s3:* on the bucket and its objects when aws:SecureTransport is false");
    }

    @Test
    void bucket_expiresScansAndResultsAfterTheRetentionPeriod() {
        List<Object> rules = list(map(TEMPLATE.properties("Bucket").get("LifecycleConfiguration")).get("Rules"));
        Set<Object> expiredPrefixes = new java.util.HashSet<>();
        for (Object r : rules) {
            Map<String, Object> rule = map(r);
            assertEquals("Enabled", rule.get("Status"));
            assertEquals(Map.of("Ref", "ScanRetentionDays"), rule.get("ExpirationInDays"));
            expiredPrefixes.add(rule.get("Prefix"));
        }
        assertEquals(Set.of(Map.of("Ref", "InputPrefix"), Map.of("Ref", "ResultPrefix")), expiredPrefixes);
    }

    @Test
    void bucket_acceptsPresignedPutsFromTheCorsOriginsAndTheApisOwnOrigin() {
        List<Object> rules = list(map(TEMPLATE.properties("Bucket").get("CorsConfiguration")).get("CorsRules"));
        Map<String, Object> rule = map(rules.getFirst());
        assertEquals(List.of("PUT"), rule.get("AllowedMethods"));
        // The deployed page is served by the API: its origin (ApiEndpoint) must be allowed too.
        assertEquals(Map.of("Fn::Split", List.of(",", Map.of("Fn::Join", List.of(",", List.of(
                Map.of("Fn::GetAtt", List.of("HttpApi", "ApiEndpoint")),
                Map.of("Fn::Join", List.of(",", Map.of("Ref", "CorsAllowedOrigins")))))))), rule.get("AllowedOrigins"));
        assertTrue(list(rule.get("AllowedHeaders")).contains("content-type"));
    }

    @Test
    void failedUploadEvents_goToTheSqsQueueAfterTwoRetries() {
        Map<String, Object> config = map(TEMPLATE.functionProperty(UPLOAD, "EventInvokeConfig"));
        assertEquals(2, config.get("MaximumRetryAttempts"));
        Object maxAge = config.get("MaximumEventAgeInSeconds");
        assertTrue(maxAge instanceof Integer age && age >= 60 && age <= 21600, "MaximumEventAgeInSeconds " + maxAge);
        Map<String, Object> onFailure = map(map(config.get("DestinationConfig")).get("OnFailure"));
        assertEquals("SQS", onFailure.get("Type"));
        assertEquals(Map.of("Fn::GetAtt", List.of("FailureQueue", "Arn")), onFailure.get("Destination"));
    }

    @Test
    void failureQueue_isEncryptedAndKeepsMessagesFourteenDays() {
        Map<String, Object> queue = TEMPLATE.properties("FailureQueue");
        assertEquals("AWS::SQS::Queue", TEMPLATE.type("FailureQueue"));
        assertTrue(Boolean.TRUE.equals(queue.get("SqsManagedSseEnabled")) || queue.containsKey("KmsMasterKeyId"));
        assertEquals(14 * 24 * 3600, queue.get("MessageRetentionPeriod"));
    }

    @Test
    void everyLogGroup_hasTheRetentionParameterAndEachFunctionLogsToItsOwn() {
        List<String> logGroups = TEMPLATE.idsOfType("AWS::Logs::LogGroup");
        assertEquals(Set.of("ClassifyUploadLogGroup", "ServeApiLogGroup", "BackfillLogGroup", "FailedUploadsLogGroup",
                "ApiAccessLogGroup"),
                Set.copyOf(logGroups));
        for (String id : logGroups) {
            assertEquals(Map.of("Ref", "LogRetentionDays"), TEMPLATE.properties(id).get("RetentionInDays"), id);
        }
        assertEquals(Map.of("LogGroup", Map.of("Ref", "ClassifyUploadLogGroup")),
                TEMPLATE.functionProperty(UPLOAD, "LoggingConfig"));
        assertEquals(Map.of("LogGroup", Map.of("Ref", "ServeApiLogGroup")),
                TEMPLATE.functionProperty(API, "LoggingConfig"));
        assertEquals(Map.of("LogGroup", Map.of("Ref", "BackfillLogGroup")),
                TEMPLATE.functionProperty(BACKFILL, "LoggingConfig"));
        assertTrue(subText(TEMPLATE.properties("ClassifyUploadLogGroup").get("LogGroupName")).startsWith("/aws/lambda/"));
        assertTrue(subText(TEMPLATE.properties("ServeApiLogGroup").get("LogGroupName")).startsWith("/aws/lambda/"));
        assertTrue(subText(TEMPLATE.properties("FailedUploadsLogGroup").get("LogGroupName")).startsWith("/aws/lambda/"));
    }

    @Test
    void apiAuth_defaultsToIamAndEveryRouteFollowsIt() {
        Map<String, Object> parameter = map(TEMPLATE.section("Parameters").get("ApiAuth"));
        assertEquals("AWS_IAM", parameter.get("Default"));
        assertEquals(List.of("AWS_IAM", "NONE"), parameter.get("AllowedValues"));
        for (String route : TEMPLATE.idsOfType("AWS::ApiGatewayV2::Route")) {
            assertEquals(Map.of("Ref", "ApiAuth"), TEMPLATE.properties(route).get("AuthorizationType"), route);
        }
    }

    @Test
    void api_servesEveryDocumentedRouteThroughOneIntegration() {
        Set<String> routeKeys = new TreeSet<>();
        for (String route : TEMPLATE.idsOfType("AWS::ApiGatewayV2::Route")) {
            Map<String, Object> properties = TEMPLATE.properties(route);
            routeKeys.add((String) properties.get("RouteKey"));
            assertEquals(Map.of("Ref", "HttpApi"), properties.get("ApiId"));
            assertEquals(Map.of("Fn::Sub", "integrations/${HttpApiIntegration}"), properties.get("Target"));
        }
        assertEquals(new TreeSet<>(Set.of("POST /classify", "POST /uploads", "GET /results/{id+}", "GET /model",
                "GET /health", "GET /")), routeKeys);
    }

    @Test
    void apiIntegration_sendsPayload2ToThePublishedAlias() {
        Map<String, Object> integration = TEMPLATE.properties("HttpApiIntegration");
        assertEquals("AWS_PROXY", integration.get("IntegrationType"));
        assertEquals("2.0", integration.get("PayloadFormatVersion"));
        String alias = (String) TEMPLATE.functionProperty(API, "AutoPublishAlias");
        assertEquals(Map.of("Fn::Sub", "${" + API + ".Arn}:" + alias), integration.get("IntegrationUri"));
        Map<String, Object> permission = TEMPLATE.properties("ServeApiInvokePermission");
        assertEquals("apigateway.amazonaws.com", permission.get("Principal"));
        assertEquals(Map.of("Ref", API + ".Alias"), permission.get("FunctionName"));
        assertTrue(subText(permission.get("SourceArn")).endsWith("${HttpApi}/*"));
        assertTrue(list(TEMPLATE.resource("HttpApiIntegration").get("DependsOn")).contains("ServeApiInvokePermission"));
    }

    @Test
    void api_isAnHttpApiWithCorsFromTheParameterAndAnAutoDeployedLoggedStage() {
        Map<String, Object> api = TEMPLATE.properties("HttpApi");
        assertEquals("HTTP", api.get("ProtocolType"));
        assertEquals(Map.of("Ref", "CorsAllowedOrigins"), map(api.get("CorsConfiguration")).get("AllowOrigins"));
        Map<String, Object> stage = TEMPLATE.properties("HttpApiStage");
        assertEquals("$default", stage.get("StageName"));
        assertEquals(Boolean.TRUE, stage.get("AutoDeploy"));
        Map<String, Object> accessLog = map(stage.get("AccessLogSettings"));
        assertEquals(Map.of("Fn::GetAtt", List.of("ApiAccessLogGroup", "Arn")), accessLog.get("DestinationArn"));
        assertFalse(((String) accessLog.get("Format")).contains("$context.path"), "paths may carry patient names");
    }

    @Test
    void outputs_nameTheBucketTheApiUrlAndTheFailureQueue() {
        Map<String, Object> outputs = TEMPLATE.section("Outputs");
        assertEquals(Map.of("Ref", "Bucket"), map(outputs.get("BucketName")).get("Value"));
        assertEquals(Map.of("Fn::GetAtt", List.of("HttpApi", "ApiEndpoint")), map(outputs.get("ApiUrl")).get("Value"));
        assertEquals(Map.of("Ref", "FailureQueue"), map(outputs.get("FailureQueueUrl")).get("Value"));
        assertEquals(Map.of("Fn::GetAtt", List.of("FailureQueue", "Arn")), map(outputs.get("FailureQueueArn")).get("Value"));
    }

    @Test
    void resources_haveNoHardCodedNames() {
        for (String id : TEMPLATE.resources().keySet()) {
            Map<String, Object> properties = TEMPLATE.properties(id);
            for (String nameProperty : List.of("FunctionName", "RoleName", "QueueName", "BucketName")) {
                Object name = properties.get(nameProperty);
                assertFalse(name instanceof String, id + "." + nameProperty + " is a literal: " + name);
            }
        }
    }

    /** The text of a {@code Fn::Sub}, short or long form. */
    private static String subText(Object node) {
        Object sub = map(node).get("Fn::Sub");
        assertNotNull(sub, "not a Fn::Sub: " + node);
        return sub instanceof List<?> l ? (String) l.getFirst() : (String) sub;
    }

    @Test
    void failureQueue_isConsumedByAFunctionThatWritesTheErrorResults() {
        assertEquals("AWS::Serverless::Function", TEMPLATE.type(FAILED));
        Map<String, Object> events = map(TEMPLATE.functionProperty(FAILED, "Events"));
        assertEquals(1, events.size());
        Map<String, Object> sqs = map(events.values().iterator().next());
        assertEquals("SQS", sqs.get("Type"));
        Map<String, Object> props = map(sqs.get("Properties"));
        assertEquals(Map.of("Fn::GetAtt", List.of("FailureQueue", "Arn")), props.get("Queue"));
        assertEquals(List.of("ReportBatchItemFailures"), list(props.get("FunctionResponseTypes")));
        // The queue's default visibility timeout (30 s) must outlast one invocation.
        Object visibility = TEMPLATE.properties("FailureQueue").getOrDefault("VisibilityTimeout", 30);
        assertTrue(((Number) TEMPLATE.functionProperty(FAILED, "Timeout")).intValue()
                <= ((Number) visibility).intValue());
        assertEquals(Map.of("Ref", "FailedUploadsLogGroup"), map(TEMPLATE.functionProperty(FAILED, "LoggingConfig"))
                .get("LogGroup"));
    }

    @Test
    void failedUploadsRole_consumesTheQueueAndWritesResultsOnly() {
        Map<String, Map<String, Object>> statements = TEMPLATE.roleStatements("FailedUploadsRole");
        assertEquals(Set.of("ConsumeFailureQueue", "ReadResults", "ListResults", "WriteErrorResults", "WriteLogs"),
                statements.keySet());
        assertEquals(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                "sqs:ChangeMessageVisibility"), list(statements.get("ConsumeFailureQueue").get("Action")));
        assertEquals(Map.of("Fn::GetAtt", List.of("FailureQueue", "Arn")), statements.get("ConsumeFailureQueue").get("Resource"));
        assertEquals(List.of("s3:GetObject"), list(statements.get("ReadResults").get("Action")));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/${ResultPrefix}*"), statements.get("ReadResults").get("Resource"));
        assertEquals(List.of("s3:PutObject"), list(statements.get("WriteErrorResults").get("Action")));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/${ResultPrefix}*"),
                statements.get("WriteErrorResults").get("Resource"));
        assertEquals(Map.of("StringLike", Map.of("s3:prefix", Map.of("Fn::Sub", "${ResultPrefix}*"))),
                statements.get("ListResults").get("Condition"));
        assertEquals(Map.of("Fn::GetAtt", List.of("FailedUploadsLogGroup", "Arn")), statements.get("WriteLogs").get("Resource"));
    }
}
