package dev.brainscan.core;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.core.result.ScanResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A {@code .zip} of one DICOM series, on every channel (docs/dicom.md: S3 uploads,
 * {@code POST /classify} with a zip body or part, {@code classify FILE.zip}, the page), read entry by
 * entry with hard limits that count the bytes actually inflated (never the sizes the archive
 * claims): at most {@link #MAX_ENTRIES} files, each within the scan byte limit, at most
 * {@link #MAX_TOTAL_BYTES} in all. Breaking a limit (a zip bomb) is {@code IMAGE_TOO_LARGE}
 * for the whole archive. Archives inside the archive are not opened (no nesting); directories,
 * hidden files, {@code __MACOSX/} and {@code DICOMDIR} are skipped.
 */
public final class SeriesArchive {
    public static final int MAX_ENTRIES = 1000;
    public static final long MAX_TOTAL_BYTES = 512L << 20;

    private SeriesArchive() {
    }

    /** One file of the archive, numbered from 1 in archive order. */
    public interface EntrySink {
        void accept(int number, byte[] bytes);
    }

    /** A zip local file header ("PK\3\4") or an empty archive's end record ("PK\5\6"). */
    public static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K'
                && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
    }

    /**
     * The one series record of a zip: every entry classified (each frame of a multi-frame entry
     * too; entry n is {@code id#n} with {@code source.entry} n), then the series verdict with the
     * slices embedded. A zip inside the zip is that entry's {@code UNSUPPORTED_FORMAT}; a broken
     * limit or a damaged archive is the whole record's error. {@code eachSlice} receives every
     * slice's outcome with its entry's bytes (for DICOM out, and the internal failures to log).
     * Channels call {@link Classifier#classifyObject}.
     */
    static ScanResult classify(Classifier classifier, byte[] zip, String id, Map<String, String> source,
                               BiConsumer<byte[], Classification> eachSlice) {
        List<ScanResult> slices = new ArrayList<>();
        WorkBudget budget = WorkBudget.forInput(classifier.limits()); // the entries' frames count together
        try {
            read(zip, classifier.limits().maxBytes(), (number, entry) -> {
                Map<String, String> entrySource = new LinkedHashMap<>(source);
                entrySource.put("entry", Integer.toString(number));
                String entryId = id + "#" + number;
                if (isZip(entry)) {
                    slices.add(classifier.failure(entryId, entrySource, ErrorCode.UNSUPPORTED_FORMAT,
                            "An archive inside the archive is not opened; upload one series per zip."));
                    return;
                }
                for (Classification c : classifier.runAll(entry, entryId, entrySource, false, budget)) {
                    slices.add(c.result());
                    eachSlice.accept(entry, c);
                }
            });
        } catch (ScanException e) {
            return classifier.failure(id, source, e.code(), e.getMessage());
        }
        return classifier.series(slices, id, source, true);
    }

    public static void read(byte[] zip, long maxEntryBytes, EntrySink sink) throws ScanException {
        int entries = 0;
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            byte[] chunk = new byte[64 * 1024];
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                String base = name.substring(name.lastIndexOf('/') + 1);
                if (entry.isDirectory() || name.startsWith("__MACOSX/") || base.startsWith(".")
                        || base.equalsIgnoreCase("DICOMDIR") || base.isEmpty()) {
                    total += drain(in, chunk, MAX_TOTAL_BYTES - total);
                    continue;
                }
                if (++entries > MAX_ENTRIES) {
                    throw tooLarge(String.format(Locale.ROOT, "The archive holds more than %d files.", MAX_ENTRIES));
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int n;
                while ((n = in.read(chunk)) > 0) {
                    out.write(chunk, 0, n);
                    total += n;
                    if (out.size() > maxEntryBytes) {
                        throw tooLarge(String.format(Locale.ROOT,
                                "File %d of the archive inflates past %d bytes, the limit for one scan.", entries,
                                maxEntryBytes));
                    }
                    if (total > MAX_TOTAL_BYTES) {
                        throw tooLarge(String.format(Locale.ROOT,
                                "The archive inflates past %d bytes in all.", MAX_TOTAL_BYTES));
                    }
                }
                sink.accept(entries, out.toByteArray());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The zip archive is truncated or damaged.");
        }
        if (entries == 0) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The zip archive holds no files.");
        }
    }

    private static long drain(InputStream in, byte[] chunk, long budget) throws IOException, ScanException {
        long seen = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
            seen += n;
            if (seen > budget) {
                throw tooLarge(String.format(Locale.ROOT, "The archive inflates past %d bytes in all.",
                        MAX_TOTAL_BYTES));
            }
        }
        return seen;
    }

    private static ScanException tooLarge(String message) {
        return new ScanException(ErrorCode.IMAGE_TOO_LARGE, message);
    }
}
