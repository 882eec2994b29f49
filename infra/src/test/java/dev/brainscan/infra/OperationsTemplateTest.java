package dev.brainscan.infra;

import static dev.brainscan.infra.Template.list;
import static dev.brainscan.infra.Template.map;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
        assertEquals(Set.of("FailureQueueAlarm", "FunctionErrorsAlarm", "ThrottlesAlarm", "RefusalShareAlarm",
                "FailedScansAlarm", "ApiServerErrorsAlarm", "UnrecordedUploadsAlarm", "FailureQueueAgeAlarm",
                "DurationNearTimeoutAlarm"), Set.copyOf(alarms));
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

    /** The classifier turns every failure into an INTERNAL result or a 500: Lambda's Errors never see them. */
    @Test
    void failedScansAlarm_firesOnAnyInternalResultFromTheEmfFailedCountOfEveryChannel() {
        Map<String, Object> p = TEMPLATE.properties("FailedScansAlarm");
        assertAll(
                () -> assertEquals("brainscan", p.get("Namespace")),
                () -> assertEquals("Failed", p.get("MetricName")),
                () -> assertFalse(p.containsKey("Dimensions"), "the service-wide series, all channels"),
                () -> assertEquals("Sum", p.get("Statistic")),
                () -> assertEquals(0, p.get("Threshold")));
    }

    @Test
    void apiServerErrorsAlarm_countsThisHttpApis5xx() {
        Map<String, Object> p = TEMPLATE.properties("ApiServerErrorsAlarm");
        assertAll(
                () -> assertEquals("AWS/ApiGateway", p.get("Namespace")),
                () -> assertEquals("5xx", p.get("MetricName")),
                () -> assertEquals(List.of(Map.of("Name", "ApiId", "Value", Map.of("Ref", "HttpApi"))), p.get("Dimensions")),
                () -> assertEquals("Sum", p.get("Statistic")),
                () -> assertEquals(0, p.get("Threshold")));
    }

    /** The only paths on which an upload gets no result at all, not even an error result. */
    @Test
    void unrecordedUploadsAlarm_sumsDroppedAndUndeliveredUploadEvents() {
        assertEquals(Set.of("ClassifyUploadFunction"), functionsIn("UnrecordedUploadsAlarm", null));
        Map<String, String> metricById = new java.util.HashMap<>();
        String expression = null;
        for (Object m : list(TEMPLATE.properties("UnrecordedUploadsAlarm").get("Metrics"))) {
            Map<String, Object> query = map(m);
            if (query.containsKey("Expression")) {
                expression = (String) query.get("Expression");
                assertEquals(Boolean.TRUE, query.get("ReturnData"));
            } else {
                metricById.put((String) query.get("Id"),
                        (String) map(map(query.get("MetricStat")).get("Metric")).get("MetricName"));
            }
        }
        assertEquals(Map.of("dropped", "AsyncEventsDropped", "undelivered", "DestinationDeliveryFailures"), metricById);
        assertEquals("FILL(dropped, 0) + FILL(undelivered, 0)", expression);
        assertEquals(0, TEMPLATE.properties("UnrecordedUploadsAlarm").get("Threshold"));
    }

    @Test
    void failureQueueAgeAlarm_firesWhenTheConsumerLeavesAMessageOverFifteenMinutes() {
        Map<String, Object> p = TEMPLATE.properties("FailureQueueAgeAlarm");
        assertAll(
                () -> assertEquals("AWS/SQS", p.get("Namespace")),
                () -> assertEquals("ApproximateAgeOfOldestMessage", p.get("MetricName")),
                () -> assertEquals("Maximum", p.get("Statistic")),
                () -> assertEquals(List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of("FailureQueue", "QueueName")))), p.get("Dimensions")),
                () -> assertEquals(900, p.get("Threshold")));
    }

    /** Each function's p99 is divided by that function's own Timeout, so the alarm moves with the template. */
    @Test
    void durationAlarm_dividesEachFunctionsP99ByItsOwnTimeout() {
        Map<String, String> functionById = new java.util.HashMap<>();
        String expression = null;
        for (Object m : list(TEMPLATE.properties("DurationNearTimeoutAlarm").get("Metrics"))) {
            Map<String, Object> query = map(m);
            if (query.containsKey("Expression")) {
                expression = (String) query.get("Expression");
                continue;
            }
            Map<String, Object> stat = map(query.get("MetricStat"));
            assertEquals("p99", stat.get("Stat"));
            Map<String, Object> metric = map(stat.get("Metric"));
            assertEquals("Duration", metric.get("MetricName"));
            functionById.put((String) query.get("Id"),
                    (String) map(map(list(metric.get("Dimensions")).getFirst()).get("Value")).get("Ref"));
        }
        assertEquals(Set.copyOf(TEMPLATE.functionIds()), Set.copyOf(functionById.values()), "every function");
        assertNotNull(expression);
        for (var e : functionById.entrySet()) {
            int timeoutMs = 1000 * ((Number) TEMPLATE.functionProperty(e.getValue(), "Timeout")).intValue();
            assertTrue(expression.contains("FILL(" + e.getKey() + ", 0) / " + timeoutMs),
                    e.getValue() + "'s p99 over its timeout " + timeoutMs + " ms in " + expression);
        }
        assertTrue(expression.startsWith("100 * MAX(["), expression);
        assertEquals(80, TEMPLATE.properties("DurationNearTimeoutAlarm").get("Threshold"));
    }

    @Test
    void dashboard_showsEveryAlarmAndEverySilentPath() {
        String text = (String) list(map(TEMPLATE.properties("Dashboard").get("DashboardBody")).get("Fn::Sub")).getFirst();
        for (String alarm : TEMPLATE.idsOfType("AWS::CloudWatch::Alarm")) {
            assertTrue(text.contains("${" + alarm + ".Arn}"), "the alarm widget lacks " + alarm);
        }
        for (String needle : List.of("[\"brainscan\", \"Failed\"", "\"AWS/ApiGateway\", \"5xx\", \"ApiId\", \"${HttpApi}\"",
                "\"AsyncEventsDropped\"", "\"DestinationDeliveryFailures\"", "\"ApproximateAgeOfOldestMessage\"")) {
            assertTrue(text.contains(needle), "the dashboard lacks " + needle);
        }
        Map.of("du", "ClassifyUploadFunction", "da", "ServeApiFunction", "db", "BackfillFunction",
                "df", "FailedUploadsFunction").forEach((id, function) -> {
            int timeoutMs = 1000 * ((Number) TEMPLATE.functionProperty(function, "Timeout")).intValue();
            assertTrue(text.contains("100 * " + id + " / " + timeoutMs), function + "'s duration share on the dashboard");
        });
    }

    private static Set<String> functionsIn(String alarm, String metricName) {
        return list(TEMPLATE.properties(alarm).get("Metrics")).stream().map(Template::map)
                .filter(q -> q.containsKey("MetricStat"))
                .map(q -> map(map(q.get("MetricStat")).get("Metric")))
                .peek(metric -> assertTrue(metricName == null || metricName.equals(metric.get("MetricName"))))
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
