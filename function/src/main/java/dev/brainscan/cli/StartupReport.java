package dev.brainscan.cli;

import dev.brainscan.core.model.ScanModel;
import dev.brainscan.core.result.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * With {@code -Dbrainscan.startup.report=true}, {@code classify} prints one JSON line to
 * stderr after its first record: where the time from JVM start to the first result went,
 * and the process's peak resident memory. The benchmark starts fresh processes and reads it.
 */
final class StartupReport {
    static final String PROPERTY = "brainscan.startup.report";

    private StartupReport() {
    }

    /** When main was entered, and when the model load began and ended (epoch ms). */
    private static volatile long mainEnteredAt;
    private static volatile long loadStartedAt;
    private static volatile long loadEndedAt;

    static void mainEntered() {
        mainEnteredAt = System.currentTimeMillis();
    }

    static void modelLoadStarted() {
        loadStartedAt = System.currentTimeMillis();
    }

    static void modelLoaded() {
        loadEndedAt = System.currentTimeMillis();
    }

    static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    static String line(ScanModel model, long firstResultAt) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainAt = mainEnteredAt > 0 ? mainEnteredAt : jvmStart;
        ScanModel.LoadTimings t = model.loadTimings();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jvmToMainMs", mainAt - jvmStart);
        out.put("mainToModelMs", loadStartedAt - mainAt);
        out.put("modelLoadMs", loadEndedAt - loadStartedAt);
        out.put("engineMs", round(t.engineMs()));
        out.put("sessionMs", round(t.sessionMs()));
        out.put("firstInferenceMs", round(t.firstInferenceMs()));
        out.put("modelToFirstResultMs", firstResultAt - loadEndedAt);
        out.put("firstResultMs", firstResultAt - jvmStart);
        out.put("peakRssMb", peakRssMb());
        return Json.write(out);
    }

    /** VmHWM from /proc/self/status (Linux); -1 where there is none. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
