package dev.brainscan.cli;

import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.ModelSource;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the tool's version and the bundled model's identity. */
final class VersionProvider implements IVersionProvider {
    static String toolVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public String[] getVersion() {
        ModelManifest m = ModelManifest.parse(ModelSource.bundled().manifestJson());
        return new String[] {
            "brainscan " + toolVersion(),
            "model " + m.name() + " " + m.version() + " (sha256 " + m.sha256() + ")",
        };
    }
}
