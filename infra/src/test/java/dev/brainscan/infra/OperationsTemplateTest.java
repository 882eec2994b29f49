package dev.brainscan.infra;

import static dev.brainscan.infra.Template.list;
import static dev.brainscan.infra.Template.map;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What template.yaml gives an operator: backfills, alarms, a dashboard, protection, a kept failure queue. */
class OperationsTemplateTest {
    private static final Template TEMPLATE = Template.load();
    private static final Map<String, Object> TOPIC = Map.of("Ref", "AlarmTopic");

    @Test
    void failureQueue_isKeptWhenTheStackIsDeletedOrTheQueueReplaced() {
        Map<String, Object> queue = TEMPLATE.resource("FailureQueue");
        assertEquals("Retain", queue.get("DeletionPolicy"));
        assertEquals("Retain", queue.get("UpdateReplacePolicy"));
    }

    @Test
    void backfillFunction_runsTheFlowWithItsOwnLeastPrivilegeRole() {
        Map<String, Map<String, Object>> statements = TEMPLATE.roleStatements("BackfillRole");
        assertEquals(Set.of("ReadScans", "ListScans", "WriteResults", "WriteLogs"), statements.keySet());
        assertEquals(List.of("s3:GetObject"), list(statements.get("ReadScans").get("Action")));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/${InputPrefix}*"), statements.get("ReadScans").get("Resource"));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/${ResultPrefix}*"), statements.get("WriteResults").get("Resource"));
        assertEquals(Map.of("Ref", "WriteHeatmaps"), TEMPLATE.environment("BackfillFunction").get("WRITE_HEATMAPS"));
        assertFalse(TEMPLATE.properties("BackfillFunction").containsKey("Events"), "Batch Operations invokes it, no trigger");
    }

    @Test
    void batchOperationsRole_isAssumedByBatchOperationsAndMayOnlyInvokeTheBackfillAlias() {
        Map<String, Object> trust = map(list(map(TEMPLATE.properties("BatchOperationsRole").get("AssumeRolePolicyDocument"))
                .get("Statement")).getFirst());
        assertEquals(Map.of("Service", "batchoperations.s3.amazonaws.com"), trust.get("Principal"));
        Map<String, Map<String, Object>> statements = TEMPLATE.roleStatements("BatchOperationsRole");
        assertEquals(List.of("lambda:InvokeFunction"), list(statements.get("InvokeBackfill").get("Action")));
        assertEquals(Map.of("Ref", "BackfillFunction.Alias"), statements.get("InvokeBackfill").get("Resource"));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/backfill/manifests/*"), statements.get("ReadManifests").get("Resource"));
        assertEquals(Map.of("Fn::Sub", "${Bucket.Arn}/backfill/reports/*"), statements.get("WriteReports").get("Resource"));
        Map<String, Object> outputs = TEMPLATE.section("Outputs");
        assertEquals(Map.of("Ref", "BackfillFunction.Alias"), map(outputs.get("BackfillFunctionArn")).get("Value"));
        assertEquals(Map.of("Fn::GetAtt", List.of("BatchOperationsRole", "Arn")),
                map(outputs.get("BatchOperationsRoleArn")).get("Value"));
    }

    @Test
    void everyFunction_hasReservedConcurrencyFromAParameterThatZeroTurnsOff() {
        Map<String, String> parameterOf = Map.of("ClassifyUploadFunction", "UploadConcurrency",
                "ServeApiFunction", "ApiConcurrency", "BackfillFunction", "BackfillConcurrency",
                "FailedUploadsFunction", "FailedUploadsConcurrency");
        assertEquals(Set.copyOf(TEMPLATE.functionIds()), parameterOf.keySet());
        parameterOf.forEach((function, parameter) -> {
            Object reserved = TEMPLATE.properties(function).get("ReservedConcurrentExecutions");
            List<Object> ifArgs = list(map(reserved).get("Fn::If"));
            assertEquals(Map.of("Ref", parameter), ifArgs.get(1), function);
            assertEquals(Map.of("Ref", "AWS::NoValue"), ifArgs.get(2), function);
            assertEquals(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", parameter), 0)))),
                    TEMPLATE.section("Conditions").get(ifArgs.get(0)), function);
            Map<String, Object> p = map(TEMPLATE.section("Parameters").get(parameter));
            assertEquals("Number", p.get("Type"));
            assertTrue((Integer) p.get("Default") > 0, parameter + " reserves something by default");
        });
    }

    @Test
    void publicApi_throttlesTheRoutesThatRunTheModelOrHandOutUploads() {
        assertEquals(Map.of("Fn::Equals", List.of(Map.of("Ref", "ApiAuth"), "NONE")),
                TEMPLATE.section("Conditions").get("ApiIsPublic"));
        Map<String, Object> stage = TEMPLATE.properties("HttpApiStage");
        List<Object> ifArgs = list(map(stage.get("RouteSettings")).get("Fn::If"));
        assertEquals("ApiIsPublic", ifArgs.get(0));
        Map<String, Object> routes = map(ifArgs.get(1));
        assertEquals(Set.of("POST /classify", "POST /uploads"), routes.keySet());
        for (Object settings : routes.values()) {
            assertEquals(Map.of("Ref", "PublicRouteRateLimit"), map(settings).get("ThrottlingRateLimit"));
        }
        assertEquals(Map.of("Ref", "AWS::NoValue"), ifArgs.get(2));
        Set<Object> routeKeys = TEMPLATE.idsOfType("AWS::ApiGatewayV2::Route").stream()
                .map(id -> TEMPLATE.properties(id).get("RouteKey")).collect(Collectors.toSet());
        assertTrue(routeKeys.containsAll(routes.keySet()), "route settings name existing routes");
        assertTrue(list(TEMPLATE.resource("HttpApiStage").get("DependsOn")).containsAll(List.of("ClassifyRoute", "UploadsRoute")));
    }

    @Test
    void alarms_coverTheFailureQueueErrorsThrottlesAndRefusals_andNotifyTheTopic() {
        List<String> alarms = TEMPLATE.idsOfType("AWS::CloudWatch::Alarm");
        assertEquals(Set.of("FailureQueueAlarm", "FunctionErrorsAlarm", "ThrottlesAlarm", "RefusalShareAlarm"),
                Set.copyOf(alarms));
        for (String alarm : alarms) {
            Map<String, Object> p = TEMPLATE.properties(alarm);
            assertEquals(List.of(TOPIC), p.get("AlarmActions"), alarm);
            assertEquals("notBreaching", p.get("TreatMissingData"), alarm);
            assertEquals("GreaterThanThreshold", p.get("ComparisonOperator"), alarm);
        }
        Map<String, Object> queue = TEMPLATE.properties("FailureQueueAlarm");
        assertAll(
                () -> assertEquals("AWS/SQS", queue.get("Namespace")),
                // The queue's consumer writes the error results and drains it: count arrivals, not the backlog.
                () -> assertEquals("NumberOfMessagesSent", queue.get("MetricName")),
                () -> assertEquals("Sum", queue.get("Statistic")),
                () -> assertEquals(List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of("FailureQueue", "QueueName")))), queue.get("Dimensions")),
                () -> assertEquals(0, queue.get("Threshold")));
        assertEquals(Set.of("ClassifyUploadFunction", "ServeApiFunction", "BackfillFunction", "FailedUploadsFunction"),
                functionsIn("FunctionErrorsAlarm", "Errors"));
        assertEquals(Set.of("ClassifyUploadFunction", "ServeApiFunction"), functionsIn("ThrottlesAlarm", "Throttles"),
                "backfill throttling paces Batch Operations on purpose");

        Map<String, Object> refusals = TEMPLATE.properties("RefusalShareAlarm");
        assertEquals(Map.of("Ref", "RefusalAlarmPercent"), refusals.get("Threshold"));
        Map<String, String> emf = new java.util.HashMap<>();
        String expression = null;
        for (Object m : list(refusals.get("Metrics"))) {
            Map<String, Object> query = map(m);
            if (query.containsKey("Expression")) {
                expression = (String) query.get("Expression");
            } else {
                Map<String, Object> metric = map(map(query.get("MetricStat")).get("Metric"));
                assertEquals("brainscan", metric.get("Namespace"));
                assertFalse(metric.containsKey("Dimensions"), "the service-wide (no dimension) series");
                emf.put((String) query.get("Id"), (String) metric.get("MetricName"));
            }
        }
        assertEquals(Map.of("refused", "Refused", "scans", "Scans"), emf);
        assertEquals("IF(scans >= 10, 100 * refused / scans, 0)", expression);
    }

    private static Set<String> functionsIn(String alarm, String metricName) {
        return list(TEMPLATE.properties(alarm).get("Metrics")).stream().map(Template::map)
                .filter(q -> q.containsKey("MetricStat"))
                .map(q -> map(map(q.get("MetricStat")).get("Metric")))
                .peek(metric -> assertEquals(metricName, metric.get("MetricName")))
                .map(metric -> (String) map(map(list(metric.get("Dimensions")).getFirst()).get("Value")).get("Ref"))
                .collect(Collectors.toSet());
    }

    @Test
    void alarmEmail_isOptional() {
        Map<String, Object> subscription = TEMPLATE.resource("AlarmEmailSubscription");
        assertEquals("HasAlarmEmail", subscription.get("Condition"));
        assertEquals(TOPIC, TEMPLATE.properties("AlarmEmailSubscription").get("TopicArn"));
        assertEquals("email", TEMPLATE.properties("AlarmEmailSubscription").get("Protocol"));
        assertEquals("", map(TEMPLATE.section("Parameters").get("AlarmEmail")).get("Default"));
    }

    @Test
    void dashboard_drawsEveryEmfMetricAndTheAlarms() {
        Object body = map(TEMPLATE.properties("Dashboard").get("DashboardBody")).get("Fn::Sub");
        String text = (String) list(body).getFirst();
        for (String needle : List.of("\"brainscan\", \"Refused\"", "\"brainscan\", \"Scans\"", "MetricName=\\\"Scans\\\"",
                "\"brainscan\", \"Latency\"", "\"brainscan\", \"Score\"", "MetricName=\\\"Classified\\\"",
                "TC(0.9:1)", "${FailureQueueAlarm.Arn}", "${RefusalShareAlarm.Arn}", "ApproximateNumberOfMessagesVisible")) {
            assertTrue(text.contains(needle), "the dashboard lacks " + needle);
        }
    }
}
