package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.model.ScanModel;
import dev.brainscan.core.result.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up line: valid JSON with every figure, measured from the launch time it was given. */
class StartupReportTest {

    @Test
    void line_isJson_measuredFromTheGivenLaunch() throws Exception {
        String before = System.getProperty(StartupReport.LAUNCHED_AT_PROPERTY);
        long now = System.currentTimeMillis();
        try {
            System.setProperty(StartupReport.LAUNCHED_AT_PROPERTY, Long.toString((now - 500) * 1000 + 123));
            StartupReport.mainEntered();
            StartupReport.modelLoadStarted();
            StartupReport.modelLoaded();
            String line = StartupReport.line(new ScanModel.LoadTimings(12.34, 56.78, 9.01), now);
            JsonNode report = Json.tree(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(List.of("launchToMainMs", "mainToModelMs", "modelLoadMs", "engineMs", "sessionMs",
                    "firstInferenceMs", "modelToFirstResultMs", "firstResultMs", "peakRssMb"),
                    iterable(report.fieldNames()));
            assertEquals(500, report.get("firstResultMs").asLong(), "from the launch property, in ms");
            assertEquals(12.3, report.get("engineMs").asDouble(), 0.0);
            assertEquals(56.8, report.get("sessionMs").asDouble(), 0.0);
            assertTrue(report.get("launchToMainMs").asLong() >= 500, "main was entered after the launch");
        } finally {
            if (before == null) {
                System.clearProperty(StartupReport.LAUNCHED_AT_PROPERTY);
            } else {
                System.setProperty(StartupReport.LAUNCHED_AT_PROPERTY, before);
            }
        }
    }

    @Test
    void withoutALaunchTime_theJvmStartIsTheLaunch() {
        String before = System.getProperty(StartupReport.LAUNCHED_AT_PROPERTY);
        try {
            System.setProperty(StartupReport.LAUNCHED_AT_PROPERTY, "not a number");
            long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            assertEquals(jvmStart, StartupReport.launchedAt());
        } finally {
            if (before == null) {
                System.clearProperty(StartupReport.LAUNCHED_AT_PROPERTY);
            } else {
                System.setProperty(StartupReport.LAUNCHED_AT_PROPERTY, before);
            }
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
