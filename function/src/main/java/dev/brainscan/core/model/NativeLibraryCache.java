package dev.brainscan.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;

/**
 * ONNX Runtime unpacks its native libraries (about 28 MB) from the jar into a fresh temporary
 * directory on every start. This unpacks them once into a private directory under the temp
 * dir and points ONNX Runtime at it ({@code onnxruntime.native.path}), which saves the
 * unpacking on every later start of the CLI. The directory must belong to this user and be
 * closed to others (0700), or it is not used: nobody else may plant a library there.
 */
final class NativeLibraryCache {
    static final String ORT_PATH_PROPERTY = "onnxruntime.native.path";
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private NativeLibraryCache() {
    }

    static void prepareOnnxRuntime() {
        if (System.getProperty(ORT_PATH_PROPERTY) != null) {
            return;
        }
        String platform = platform();
        if (platform == null) {
            return;
        }
        String[] names = {System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni")};
        try {
            long[] sizes = new long[names.length];
            URL[] urls = new URL[names.length];
            for (int i = 0; i < names.length; i++) {
                urls[i] = NativeLibraryCache.class.getResource("/ai/onnxruntime/native/" + platform + "/" + names[i]);
                if (urls[i] == null) {
                    return; // not bundled for this platform: let ONNX Runtime decide
                }
                URLConnection c = urls[i].openConnection();
                sizes[i] = c.getContentLengthLong();
                if (sizes[i] <= 0) {
                    return;
                }
            }
            Path base = privateDirectory(Path.of(System.getProperty("java.io.tmpdir"),
                    "brainscan-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_")));
            if (base == null) {
                return;
            }
            Path dir = base.resolve("onnxruntime-" + platform + "-" + sizes[0] + "-" + sizes[1]);
            Files.createDirectories(dir);
            for (int i = 0; i < names.length; i++) {
                Path lib = dir.resolve(names[i]);
                if (!Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS) || Files.size(lib) != sizes[i]) {
                    Path tmp = Files.createTempFile(dir, names[i], ".part");
                    try (InputStream in = urls[i].openStream()) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    try {
                        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            System.setProperty(ORT_PATH_PROPERTY, dir.toString());
        } catch (IOException | RuntimeException e) {
            // Fall back to ONNX Runtime's own unpacking: slower, never wrong.
        }
    }

    /** The directory, created 0700, when it is a real directory owned by this user and closed to others; else null. */
    /**
     * {@code <tmp>/brainscan-<user>/<name>}, both private to this user (0700, owned, no links),
     * or else a fresh private temporary directory; null only where neither can be made.
     */
    static Path privateTempDirectory(String name) {
        try {
            Path base = privateDirectory(Path.of(System.getProperty("java.io.tmpdir"),
                    "brainscan-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_")));
            Path dir = base == null ? null : privateDirectory(base.resolve(name));
            if (dir != null) {
                return dir;
            }
            Path fresh = Files.createTempDirectory("brainscan-" + name + "-"); // 0700 on POSIX
            fresh.toFile().deleteOnExit();
            return fresh;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Path privateDirectory(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return null;
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE)
                || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
            return null;
        }
        return dir;
    }

    /** ONNX Runtime's name for this platform's native folder, or null where the jar has none. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "osx"
                : os.contains("win") ? "win" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        return o == null || a == null ? null : o + "-" + a;
    }
}
