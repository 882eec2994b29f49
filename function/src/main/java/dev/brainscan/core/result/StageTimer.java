package dev.brainscan.core.result;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall-clock milliseconds per pipeline stage, in the order the stages ran. */
public final class StageTimer {
    private final Map<String, Double> millis = new LinkedHashMap<>();
    private final long created = System.nanoTime();
    private long mark = created;

    /** Records the time since the previous mark (or creation) under {@code stage}. */
    public void lap(String stage) {
        long now = System.nanoTime();
        add(stage, (now - mark) / 1e6);
        mark = now;
    }

    public void add(String stage, double ms) {
        millis.merge(stage, ms, Double::sum);
    }

    public Map<String, Double> stages() {
        return millis;
    }

    public double totalMillis() {
        return (System.nanoTime() - created) / 1e6;
    }
}
