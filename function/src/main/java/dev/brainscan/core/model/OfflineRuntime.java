package dev.brainscan.core.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.file.Path;

/**
 * Keeps DJL and ONNX Runtime off the network and out of $HOME in every entry point, before
 * the first DJL or ONNX Runtime class initialises.
 *
 * <p>DJL reads its switches as environment variables or system properties. ONNX Runtime
 * 1.29 reads {@code ORT_DISABLE_TELEMETRY} from the process environment only (without it,
 * it writes a device id under ~/.cache/Microsoft and starts an HTTPS uploader), which a
 * bare {@code java -jar} cannot set for itself, so it is set natively through JNA (already a
 * DJL dependency). Deployments set the variable too (template.yaml, the test JVMs).
 */
public final class OfflineRuntime {
    public static final String ORT_TELEMETRY_SWITCH = "ORT_DISABLE_TELEMETRY";
    private static boolean applied;

    private OfflineRuntime() {
    }

    public static synchronized void apply() {
        if (applied) {
            return;
        }
        setIfAbsent("OPT_OUT_TRACKING", "true");          // no DJL telemetry call at engine start
        setIfAbsent("ai.djl.offline", "true");             // no model-zoo or engine downloads
        setIfAbsent("ai.djl.default_engine", "OnnxRuntime");
        setIfAbsent("ai.djl.onnx.disable_alternative", "true"); // never look for a PyTorch engine
        String cache = Path.of(System.getProperty("java.io.tmpdir"), "djl-cache").toString();
        setIfAbsent("DJL_CACHE_DIR", cache);
        setIfAbsent("ENGINE_CACHE_DIR", cache);
        // JNA unpacks its native stub under ~/.cache/JNA unless told otherwise (read-only $HOME in Lambda).
        // Not a fixed shared path: this user's private (0700, owner-checked) directory, or a fresh one.
        if (System.getProperty("jna.tmpdir") == null && System.getenv("jna.tmpdir") == null) {
            Path jna = NativeLibraryCache.privateTempDirectory("jna");
            if (jna != null) {
                System.setProperty("jna.tmpdir", jna.toString());
            }
        }
        // JNA's first library load runs `/sbin/ldconfig -p` (a child process, about 15 ms of a
        // one-core start) to learn the platform's library folders unless this names them; libc
        // needs none, since dlopen finds it through the dynamic loader's own cache.
        setIfAbsent("jna.platform.library.path", "");
        if (!"1".equals(System.getenv(ORT_TELEMETRY_SWITCH))) {
            setNativeEnv(ORT_TELEMETRY_SWITCH, "1");
        }
        NativeLibraryCache.prepareOnnxRuntime();
        applied = true;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }

    interface PosixC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    interface WindowsC extends Library {
        int _putenv_s(String name, String value);
    }

    private static void setNativeEnv(String name, String value) {
        try {
            if (Platform.isWindows()) {
                Native.load("msvcrt", WindowsC.class)._putenv_s(name, value);
            } else {
                Native.load("c", PosixC.class).setenv(name, value, 1);
            }
        } catch (RuntimeException | LinkageError e) {
            System.err.println("brainscan: could not set " + name + " (" + e + "); set it in the environment");
        }
    }
}
