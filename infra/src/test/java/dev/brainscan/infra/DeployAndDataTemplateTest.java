package dev.brainscan.infra;

import static dev.brainscan.infra.Template.list;
import static dev.brainscan.infra.Template.map;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A deploy that always takes effect (the publish revision), the public mode's limits, and the
 * patient-data options: off where they cost money, each wired to every role or resource it needs.
 */
class DeployAndDataTemplateTest {
    private static final Template TEMPLATE = Template.load();
    private static final List<String> FUNCTION_ROLES =
            List.of("ClassifyUploadRole", "ServeApiRole", "BackfillRole", "FailedUploadsRole");
    /** Function properties that are not part of a published version (set on the function or the alias). */
    private static final Set<String> UNVERSIONED = Set.of("ReservedConcurrentExecutions", "AutoPublishCodeSha256",
            "EventInvokeConfig", "Events", "Role", "LoggingConfig");

    private static Map<String, Object> parameter(String name) {
        return map(TEMPLATE.section("Parameters").get(name));
    }

    @Test
    void everyFunction_publishesANewVersionWhenTheDeployRevisionChanges() {
        for (String id : TEMPLATE.functionIds()) {
            assertEquals(Map.of("Ref", "DeployRevision"), TEMPLATE.properties(id).get("AutoPublishCodeSha256"), id);
            assertEquals("live", TEMPLATE.functionProperty(id, "AutoPublishAlias"), id);
        }
        Map<String, Object> revision = parameter("DeployRevision");
        assertEquals("", revision.get("Default"));
        assertEquals("^[0-9a-f]{0,64}$", revision.get("AllowedPattern"));
    }

    /**
     * The deploy script's revision covers every parameter that a function version captures: a
     * parameter read by a function's environment, tracing or architecture that the script left
     * out would again change the trigger and IAM without moving the alias.
     */
    @Test
    void deployScript_revisionCoversEveryParameterAFunctionVersionReads() throws Exception {
        Set<String> parameters = TEMPLATE.section("Parameters").keySet();
        Set<String> read = new LinkedHashSet<>();
        Map<String, Object> globals = TEMPLATE.functionGlobals();
        globals.forEach((property, value) -> {
            if (!UNVERSIONED.contains(property)) {
                read.addAll(Template.referencedNames(value));
            }
        });
        for (String id : TEMPLATE.functionIds()) {
            TEMPLATE.properties(id).forEach((property, value) -> {
                if (!UNVERSIONED.contains(property)) {
                    read.addAll(Template.referencedNames(value));
                }
            });
        }
        // Conditions used by a function property read their parameters too.
        for (String name : List.copyOf(read)) {
            if (TEMPLATE.section("Conditions").containsKey(name)) {
                read.addAll(Template.referencedNames(TEMPLATE.section("Conditions").get(name)));
            }
        }
        read.retainAll(parameters);
        read.remove("DeployRevision");
        read.remove("DataClassification"); // a tag: tags are not part of a version
        assertEquals(Set.copyOf(read), scriptRevisionParameters());
    }

    private static Set<String> scriptRevisionParameters() throws Exception {
        String script = Files.readString(TEMPLATE.root.resolve("infra/scripts/deploy.py"));
        Matcher block = Pattern.compile("REVISION_PARAMETERS = \\(([^)]*)\\)").matcher(script);
        assertTrue(block.find(), "deploy.py has REVISION_PARAMETERS");
        Set<String> names = new LinkedHashSet<>();
        Matcher name = Pattern.compile("\"([A-Za-z0-9]+)\"").matcher(block.group(1));
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    @Test
    void publicApi_restrictsResultsToUploadIdsAndSignsTheUploadSize() {
        assertEquals(Map.of("Fn::If", List.of("ApiIsPublic", "true", "false")),
                TEMPLATE.environment("ServeApiFunction").get("PUBLIC_API"));
    }

    @Test
    void kmsKey_isOptionalAndEveryRoleThatTouchesTheBucketOrQueueMayUseIt() {
        assertEquals("", parameter("KmsKeyArn").get("Default"));
        assertEquals("HasKmsKey", TEMPLATE.resource("KmsKeyUsePolicy").get("Condition"));
        Map<String, Object> policy = TEMPLATE.properties("KmsKeyUsePolicy");
        List<Object> roles = list(policy.get("Roles"));
        for (String role : List.of("ClassifyUploadRole", "ServeApiRole", "BackfillRole", "FailedUploadsRole",
                "BatchOperationsRole")) {
            assertTrue(roles.contains(Map.of("Ref", role)), role);
        }
        Map<String, Object> statement = map(list(map(policy.get("PolicyDocument")).get("Statement")).getFirst());
        assertEquals(List.of("kms:Decrypt", "kms:GenerateDataKey"), list(statement.get("Action")));
        assertEquals(Map.of("Ref", "KmsKeyArn"), statement.get("Resource"));
        Map<String, Object> queue = TEMPLATE.properties("FailureQueue");
        assertEquals(Map.of("Fn::If", List.of("HasKmsKey", Map.of("Ref", "KmsKeyArn"), Map.of("Ref", "AWS::NoValue"))),
                queue.get("KmsMasterKeyId"));
        Map<String, Object> sse = map(list(map(TEMPLATE.properties("Bucket").get("BucketEncryption"))
                .get("ServerSideEncryptionConfiguration")).getFirst());
        assertEquals(Map.of("Fn::If", List.of("HasKmsKey", true, Map.of("Ref", "AWS::NoValue"))), sse.get("BucketKeyEnabled"),
                "an S3 Bucket Key keeps KMS requests (and charges) per bucket, not per object");
    }

    @Test
    void accessLogging_isOffByDefaultAndGoesToAKeptPrivateExpiringBucket() {
        assertEquals("false", parameter("AccessLogging").get("Default"));
        assertEquals("AccessLoggingOn", TEMPLATE.resource("AccessLogBucket").get("Condition"));
        assertEquals("Retain", TEMPLATE.resource("AccessLogBucket").get("DeletionPolicy"));
        Map<String, Object> logs = TEMPLATE.properties("AccessLogBucket");
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true), logs.get("PublicAccessBlockConfiguration"));
        Map<String, Object> rule = map(list(map(logs.get("LifecycleConfiguration")).get("Rules")).getFirst());
        assertEquals(Map.of("Ref", "AccessLogRetentionDays"), rule.get("ExpirationInDays"));
        List<Object> ifArgs = list(map(TEMPLATE.properties("Bucket").get("LoggingConfiguration")).get("Fn::If"));
        assertEquals("AccessLoggingOn", ifArgs.get(0));
        assertEquals(Map.of("Ref", "AccessLogBucket"), map(ifArgs.get(1)).get("DestinationBucketName"));
        Map<String, Object> allow = map(list(map(TEMPLATE.properties("AccessLogBucketPolicy").get("PolicyDocument"))
                .get("Statement")).getFirst());
        assertEquals(Map.of("Service", "logging.s3.amazonaws.com"), allow.get("Principal"));
        assertTrue(map(allow.get("Condition")).containsKey("ArnLike"), "only this stack's bucket may deliver logs");
    }

    @Test
    void tracingAndLogKey_areOptionsWithTheirPermissionsOnlyWhenOn() {
        assertEquals("PassThrough", parameter("Tracing").get("Default"));
        assertEquals(Map.of("Ref", "Tracing"), TEMPLATE.functionGlobals().get("Tracing"));
        assertEquals("TracingActive", TEMPLATE.resource("TracingPolicy").get("Condition"));
        assertEquals("", parameter("LogKeyParameter").get("Default"));
        assertEquals(Map.of("Ref", "LogKeyParameter"), TEMPLATE.functionGlobals().get("Environment") instanceof Map<?, ?> e
                ? map(map(e).get("Variables")).get("BRAINSCAN_LOG_KEY_PARAMETER") : null);
        assertEquals("HasLogKeyParameter", TEMPLATE.resource("LogKeyReadPolicy").get("Condition"));
        for (String policy : List.of("TracingPolicy", "LogKeyReadPolicy")) {
            List<Object> roles = list(TEMPLATE.properties(policy).get("Roles"));
            assertEquals(FUNCTION_ROLES.stream().map(r -> (Object) Map.of("Ref", r)).toList(), roles, policy);
        }
        Map<String, Object> read = map(list(map(TEMPLATE.properties("LogKeyReadPolicy").get("PolicyDocument"))
                .get("Statement")).getFirst());
        assertEquals("ssm:GetParameter", read.get("Action"));
        assertTrue(((String) map(read.get("Resource")).get("Fn::Sub")).endsWith(":parameter${LogKeyParameter}"));
    }

    @Test
    void dataClassificationTag_marksEveryResourceThatHoldsOrLogsPatientData() {
        Map<String, Object> tag = Map.of("Key", "DataClassification", "Value", Map.of("Ref", "DataClassification"));
        for (String id : TEMPLATE.resources().keySet()) {
            String type = TEMPLATE.type(id);
            if (Set.of("AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::Logs::LogGroup", "AWS::SNS::Topic").contains(type)) {
                assertTrue(list(TEMPLATE.properties(id).get("Tags")).contains(tag), id + " lacks the tag");
            }
        }
        assertEquals(Map.of("DataClassification", Map.of("Ref", "DataClassification")), TEMPLATE.functionGlobals().get("Tags"));
    }

    @Test
    void everyLogGroup_goesWithTheStack() {
        for (String id : TEMPLATE.idsOfType("AWS::Logs::LogGroup")) {
            assertAll(id,
                    () -> assertEquals("Delete", TEMPLATE.resource(id).get("DeletionPolicy")),
                    () -> assertEquals("Delete", TEMPLATE.resource(id).get("UpdateReplacePolicy")));
        }
    }

    @Test
    void optionsThatCostMoney_areOffByDefault() {
        assertAll(
                () -> assertEquals("false", parameter("AccessLogging").get("Default")),
                () -> assertEquals("", parameter("KmsKeyArn").get("Default")),
                () -> assertEquals("PassThrough", parameter("Tracing").get("Default")),
                () -> assertFalse(TEMPLATE.resources().containsKey("Trail"), "no CloudTrail trail by default"));
    }

    @Test
    void architecture_saysArm64IsUnmeasured() {
        assertTrue(((String) parameter("Architecture").get("Description")).contains("arm64")
                && ((String) parameter("Architecture").get("Description")).contains("unmeasured"));
    }

    /** ApiAuth=JWT: a Cognito pool only an administrator adds to, a public PKCE client, a JWT authorizer. */
    @Test
    void jwtAuth_isACognitoPoolWithAdminMadeAccountsAndAnAuthorizerForItsClient() {
        for (String id : List.of("UserPool", "UserPoolDomain", "UserPoolClient", "JwtAuthorizer")) {
            assertEquals("ApiIsJwt", TEMPLATE.resource(id).get("Condition"), id);
        }
        assertEquals(Map.of("AllowAdminCreateUserOnly", true), TEMPLATE.properties("UserPool").get("AdminCreateUserConfig"));
        Map<String, Object> client = TEMPLATE.properties("UserPoolClient");
        assertAll(
                () -> assertEquals(false, client.get("GenerateSecret"), "a browser cannot keep a secret"),
                () -> assertEquals(List.of("code"), client.get("AllowedOAuthFlows")),
                () -> assertEquals(List.of(Map.of("Fn::Sub", "${HttpApi.ApiEndpoint}/")), client.get("CallbackURLs")),
                () -> assertEquals("ENABLED", client.get("PreventUserExistenceErrors")));
        Map<String, Object> authorizer = TEMPLATE.properties("JwtAuthorizer");
        assertEquals("JWT", authorizer.get("AuthorizerType"));
        assertEquals(List.of("$request.header.Authorization"), authorizer.get("IdentitySource"));
        Map<String, Object> jwt = map(authorizer.get("JwtConfiguration"));
        assertEquals(List.of(Map.of("Ref", "UserPoolClient")), jwt.get("Audience"));
        assertEquals(Map.of("Fn::Sub", "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"), jwt.get("Issuer"));
        Map<String, Object> env = TEMPLATE.environment("ServeApiFunction");
        assertEquals(Map.of("Fn::If", List.of("ApiIsJwt", Map.of("Ref", "UserPoolClient"), "")), env.get("SIGN_IN_CLIENT_ID"));
        assertEquals(Map.of("Fn::If", List.of("ApiIsJwt",
                Map.of("Fn::Sub", "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"), "")),
                env.get("SIGN_IN_URL"));
    }
}
