package dev.brainscan.cli;

import dev.brainscan.core.model.ScanModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * With {@code -Dbrainscan.startup.report=true}, {@code classify} prints one JSON line to
 * stderr after its first record: where the time from the launch to the first result went,
 * and the process's peak resident memory. The benchmark starts fresh processes and reads it.
 *
 * <p>The launch is {@code -Dbrainscan.launchedAtUs} (epoch microseconds: ./brainscan sets it
 * from bash's clock as it starts, {@code bench} as it starts the child), else the JVM's start
 * time. The report must not cost what it measures: the line is written by hand (no JSON
 * mapper to build) and the JVM's start time, which needs the management classes (about
 * 250 ms on one core), is read only when no launch time was given.
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

    static final String LAUNCHED_AT_PROPERTY = "brainscan.launchedAtUs";

    static String line(ScanModel.LoadTimings t, long firstResultAt) {
        long launchedAt = launchedAt();
        long mainAt = mainEnteredAt > 0 ? mainEnteredAt : launchedAt;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("launchToMainMs", mainAt - launchedAt);
        out.put("mainToModelMs", loadStartedAt - mainAt);
        out.put("modelLoadMs", loadEndedAt - loadStartedAt);
        out.put("engineMs", round(t.engineMs()));
        out.put("sessionMs", round(t.sessionMs()));
        out.put("firstInferenceMs", round(t.firstInferenceMs()));
        out.put("modelToFirstResultMs", firstResultAt - loadEndedAt);
        out.put("firstResultMs", firstResultAt - launchedAt);
        out.put("peakRssMb", peakRssMb());
        StringBuilder json = new StringBuilder("{");
        out.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return json.append('}').toString();
    }

    /** Epoch ms of the launch: the launcher's clock when given, else the JVM's start. */
    static long launchedAt() {
        String us = System.getProperty(LAUNCHED_AT_PROPERTY, "");
        if (us.matches("[0-9]{1,19}")) {
            return Long.parseLong(us) / 1000;
        }
        return ManagementFactory.getRuntimeMXBean().getStartTime();
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
