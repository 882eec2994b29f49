package dev.brainscan.cli;

import dev.brainscan.core.Json;
import dev.brainscan.core.ModelManifest;
import dev.brainscan.core.ModelSource;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the tool's version and the bundled model's identity. */
final class VersionProvider implements IVersionProvider {
    static String toolVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public String[] getVersion() {
        ModelManifest m = Json.manifest(ModelSource.bundled().manifestJson());
        return new String[] {
            "brainscan " + toolVersion(),
            "model " + m.name() + " " + m.version() + " (sha256 " + m.sha256() + ")",
        };
    }
}
