package dev.brainscan.cli;

import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.ModelSource;

/** {@code --version}: the tool's version and the bundled model's identity. */
final class VersionProvider {
    private VersionProvider() {
    }

    static String toolVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    static String[] lines() {
        ModelManifest m = ModelManifest.parse(ModelSource.bundled().manifestJson());
        return new String[] {
            "brainscan " + toolVersion(),
            "model " + m.name() + " " + m.version() + " (sha256 " + m.sha256() + ")",
        };
    }
}
