package dev.brainscan.lambda;

import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.log.KeyHash;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The log key ({@link KeyHash}'s secret) from the SSM SecureString named by
 * {@code BRAINSCAN_LOG_KEY_PARAMETER}, so that key hashes are the same in every function and
 * version and can be joined across log groups. Never inside a SnapStart snapshot: during a
 * snapshot's init ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}) nothing is read, and the key
 * is read after each restore, before the first request; without SnapStart it is read at init. A
 * failed read fails the init or the restore (Lambda retries), never a request with a wrong key.
 */
final class LogKey implements Resource {
    /** Held here: the CRaC global context may keep resources only weakly. */
    private static LogKey registered;

    private final Supplier<String> source;
    private final Consumer<String> installer;

    LogKey(Supplier<String> source, Consumer<String> installer) {
        this.source = source;
        this.installer = installer;
    }

    /**
     * Installs {@code BRAINSCAN_LOG_KEY} when set, then reads the parameter's key now, or after each
     * restore under SnapStart; no read when no parameter is named.
     */
    static synchronized void install(Config config, Map<String, String> env) {
        Brainscan.installLogKey(config);
        if (config.logKeyParameter().isEmpty()) {
            return;
        }
        LogKey key = new LogKey(() -> SsmParameter.secureString(config.logKeyParameter(), env,
                DefaultCredentialsProvider.builder().build()), KeyHash::install);
        if (key.deferred(env)) {
            registered = key;
            Core.getGlobalContext().register(key);
        }
    }

    /** Loads now and returns false, or returns true when this init is a snapshot's (load after restore). */
    boolean deferred(Map<String, String> env) {
        if ("snap-start".equals(env.get("AWS_LAMBDA_INITIALIZATION_TYPE"))) {
            return true;
        }
        load();
        return false;
    }

    void load() {
        installer.accept(source.get());
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // Nothing was read: the snapshot holds no key.
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        load();
    }
}
