package dev.brainscan.core;

import java.nio.file.Path;

/**
 * Keeps DJL and ONNX Runtime off the network and out of $HOME, in every entry point: set
 * before the first DJL class initialises (DJL reads these as env or system properties).
 */
public final class OfflineRuntime {
    private OfflineRuntime() {
    }

    public static synchronized void apply() {
        setIfAbsent("OPT_OUT_TRACKING", "true");          // no DJL telemetry call at engine start
        setIfAbsent("ai.djl.offline", "true");             // no model-zoo or engine downloads
        setIfAbsent("ai.djl.default_engine", "OnnxRuntime");
        setIfAbsent("ai.djl.onnx.disable_alternative", "true"); // never look for a PyTorch engine
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "djl-cache").toString();
        setIfAbsent("DJL_CACHE_DIR", cache);
        setIfAbsent("ENGINE_CACHE_DIR", cache);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
