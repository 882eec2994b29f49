package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brainscan.testing.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's entry point, {@code ./brainscan}, on every JDK installed under /usr/lib/jvm:
 * a clear message and a non-zero exit below 21, a working run on 21+, the AOT cache only
 * where the JVM can use it. Runs after package (it needs brainscan.jar); never builds.
 */
class LauncherIT {
    static final Path ROOT = TestPaths.repoRoot();
    static final Path LAUNCHER = ROOT.resolve("brainscan");

    record Run(int exit, String out, String err) {
    }

    static Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        Map<String, String> e = pb.environment();
        e.remove("JAVA_HOME");
        e.put("BRAINSCAN_NO_BUILD", "1");
        e.put("BRAINSCAN_VERBOSE", "1");
        e.putAll(env);
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit = p.waitFor();
            return new Run(exit, Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The JDK of this feature version under /usr/lib/jvm (not Debian's alias links), if any. */
    static Optional<Path> installedJdk(int feature) throws IOException {
        Path jvm = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvm)) {
            return Optional.empty();
        }
        Pattern version = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)", Pattern.MULTILINE);
        try (Stream<Path> homes = Files.list(jvm)) {
            return homes.filter(h -> !Files.isSymbolicLink(h))
                    .filter(h -> Files.isExecutable(h.resolve("bin/java")) && Files.isRegularFile(h.resolve("release")))
                    .filter(h -> {
                        try {
                            Matcher m = version.matcher(Files.readString(h.resolve("release"), StandardCharsets.UTF_8));
                            return m.find() && Integer.parseInt(m.group(1)) == feature;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .sorted().findFirst();
        }
    }

    /** Only this JDK is visible: JAVA_HOME, no JDK folder to search, PATH with its bin first. */
    static Map<String, String> only(Path jdk) {
        return Map.of("JAVA_HOME", jdk.toString(), "BRAINSCAN_JDK_DIRS", "",
                "PATH", jdk.resolve("bin") + ":/usr/bin:/bin");
    }

    @Test
    void jdk17_saysWhatIsMissingAndExitsNonZero() throws Exception {
        Path jdk = installedJdk(17).orElse(null);
        assumeTrue(jdk != null, "SKIPPED: no JDK 17 under /usr/lib/jvm");
        Run r = run(LAUNCHER, only(jdk), "classify", "events/scans");
        assertEquals(3, r.exit(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("needs a JDK 21 or newer"), r.err());
        assertTrue(r.err().contains("JDK 17 at " + jdk), r.err());
        assertTrue(r.err().contains("set JAVA_HOME"), r.err());
        assertFalse(r.err().contains("UnsupportedClassVersionError"), r.err());
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {21, 25})
    void supportedJdk_classifiesWithTheAotCacheOnlyWhereItApplies(int feature) throws Exception {
        Path jdk = installedJdk(feature).orElse(null);
        assumeTrue(jdk != null, "SKIPPED: no JDK " + feature + " under /usr/lib/jvm");
        Run r = run(LAUNCHER, only(jdk), "classify", "--format", "csv", "events/scans/phantom-001-lesion.jpg");
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, r.out().lines().count(), r.out());
        assertTrue(r.err().contains("JDK " + feature + " at " + jdk), r.err());
        Path aot = ROOT.resolve("function/target/brainscan.aot");
        boolean aotUsable = feature >= 25 && Files.isRegularFile(aot)
                && Files.readString(ROOT.resolve("function/target/brainscan.aot.jdk")).strip()
                        .equals(jdk.toRealPath().toString())
                && Files.getLastModifiedTime(aot).compareTo(
                        Files.getLastModifiedTime(ROOT.resolve("function/target/brainscan.jar"))) >= 0;
        assertEquals(aotUsable, r.err().contains("AOT cache on"), r.err());
        // Nothing from the JVM about options it does not know or a cache it cannot map.
        assertFalse(r.err().contains("Unrecognized") || r.err().contains("[error]") || r.err().contains("[warning]"),
                r.err());
    }

    @Test
    void missingJar_withoutBuilding_saysHowToBuildIt(@TempDir Path checkout) throws Exception {
        Path launcher = Files.copy(LAUNCHER, checkout.resolve("brainscan"));
        Path jdk = installedJdk(25).or(() -> {
            try {
                return installedJdk(21);
            } catch (IOException e) {
                return Optional.empty();
            }
        }).orElse(null);
        assumeTrue(jdk != null, "SKIPPED: no JDK 21+ under /usr/lib/jvm");
        Run r = run(launcher, only(jdk), "--version");
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("brainscan.jar is missing; build it with: JAVA_HOME=" + jdk
                + " ./mvnw -q -B -DskipTests clean package"), r.err());
    }
}
