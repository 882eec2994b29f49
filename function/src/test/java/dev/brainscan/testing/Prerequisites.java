package dev.brainscan.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tests that need a tool beyond the JDK (Debian's Python packages, Chromium, Node) skip,
 * saying so, where it is missing on a developer's machine, and fail where CI=true: CI
 * installs everything, so a missing tool there is a broken set-up, not a reason to skip.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + what + " is missing (.ci/run installs it)");
        }
        assumeTrue(false, "SKIPPED: " + what + " is not installed here");
    }

    public static boolean pythonModules(String... modules) {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import " + String.join(", ", modules))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
