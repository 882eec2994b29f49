package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * infra/scripts/deploy.sh, the README's one deploy command, on a machine whose {@code java} is
 * 17: it checks every prerequisite and names each missing one (exit 3, nothing built), builds
 * with the JDK 21+ the launcher chooses, and runs {@code sam deploy} with CAPABILITY_IAM.
 * {@code sam} and {@code aws} are stand-in scripts here (no AWS account, no SAM CLI); the real
 * build is not run inside the test (it would clean the jar the other tests use): the dry run
 * shows the command, and the figures in docs/operations.md (Deploy) come from {@code deploy.sh --build-only}.
 */
class DeployScriptIT {
    static final Path SCRIPT = LauncherIT.ROOT.resolve("infra/scripts/deploy.sh");

    @TempDir
    Path tmp;

    /** java 17 first on the PATH (as on a stock machine), then {@code bin} (stand-ins), then the system. */
    private Map<String, String> java17First(Path bin) throws Exception {
        Path jdk17 = LauncherIT.installedJdk(17).orElse(null);
        assumeTrue(jdk17 != null, "SKIPPED: no JDK 17 under /usr/lib/jvm");
        Map<String, String> env = new HashMap<>();
        env.put("PATH", jdk17.resolve("bin") + (bin != null ? ":" + bin : "") + ":/usr/bin:/bin");
        return env;
    }

    private Path stubs(boolean withSam) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("sam-args");
        if (withSam) {
            script(bin.resolve("sam"), "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'SAM CLI, version 1.140.0'; exit 0; }\n"
                    + "echo \"$@\" > '" + log + "'\n");
        }
        script(bin.resolve("aws"), "#!/bin/sh\ncase \"$1\" in --version) echo 'aws-cli/2.27.0 Python/3.13';;\n"
                + "sts) echo 'arn:aws:iam::123456789012:user/test';; esac\n");
        return bin;
    }

    private static void script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void dryRun_onJava17_buildsWithTheLaunchersJdk_andDeploysWithCapabilityIam() throws Exception {
        Map<String, String> env = java17First(stubs(true));
        LauncherIT.Run r = LauncherIT.run(SCRIPT, env, "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("(java on the PATH is 17."), r.err());
        String build = r.out().lines().filter(l -> l.contains("mvnw")).findFirst().orElse("");
        assertTrue(build.matches(".*JAVA_HOME=\\S+ \\./mvnw -B clean package -Dlambda\\.arch=x86_64$"), r.out());
        assertFalse(build.contains("java-17"), build);
        String deploy = r.out().lines().filter(l -> l.contains("sam deploy")).findFirst().orElse("");
        assertTrue(deploy.contains("sam deploy --capabilities CAPABILITY_IAM"), r.out());
        if (!Files.exists(LauncherIT.ROOT.resolve("samconfig.toml"))) {
            assertTrue(deploy.contains("--guided"), "the first deploy is guided: " + deploy);
        }
    }

    @Test
    void withoutSam_namesWhatIsMissing_exitsThree_buildsNothing() throws Exception {
        Map<String, String> env = java17First(stubs(false));
        LauncherIT.Run r = LauncherIT.run(SCRIPT, env);
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("MISSING: the AWS SAM CLI (sam): https://"), r.err());
        assertTrue(r.err().contains("not deploying: install what is MISSING above"), r.err());
        assertFalse(r.err().contains("building"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void noJdk21_namesItAndTheLaunchersFindings() throws Exception {
        Map<String, String> env = java17First(stubs(true));
        env.put("BRAINSCAN_JDK_DIRS", tmp.resolve("no-jdks").toString());
        LauncherIT.Run r = LauncherIT.run(SCRIPT, env, "--check");
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("needs a JDK 21 or newer"), r.err());
        assertTrue(r.err().contains("MISSING: a JDK 21 or newer"), r.err());
    }

    @Test
    void withTheZipBuilt_runsSamDeployWithCapabilityIamAndTheParameterFile() throws Exception {
        assumeTrue(Files.isRegularFile(LauncherIT.ROOT.resolve("function/target/brainscan-lambda.zip")),
                "SKIPPED: no function/target/brainscan-lambda.zip (runs after package)");
        Map<String, String> env = java17First(stubs(true));
        LauncherIT.Run r = LauncherIT.run(SCRIPT, env, "--skip-build", "--params", "dev", "--", "--stack-name", "t");
        assertEquals(0, r.exit(), r.err());
        String args = Files.readString(tmp.resolve("sam-args")).strip();
        assertTrue(args.startsWith("deploy --capabilities CAPABILITY_IAM"), args);
        assertTrue(args.contains("--parameter-overrides ") && args.contains("ApiAuth=AWS_IAM"), args);
        assertTrue(args.endsWith("--stack-name t"), args);
        assertTrue(r.err().contains("ok: AWS credentials: arn:aws:iam::123456789012:user/test"), r.err());
    }

    @Test
    void unknownOption_isAUsageError() throws Exception {
        LauncherIT.Run r = LauncherIT.run(SCRIPT, Map.of(), "--stack", "x");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("unknown option: --stack (options for sam deploy go after --)"), r.err());
    }
}
