package dev.brainscan.cli;

import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.Notice;
import dev.brainscan.core.result.ScanResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How {@code classify} writes its records. */
enum OutputFormat {
    JSONL, JSON, CSV, TABLE;

    /**
     * A probability to {@code digits} decimals that never rounds to 0 or 1 unless it is
     * exactly that: 0.99996 is "> 0.999", not "1.000" (the page does the same).
     */
    static String share(double p, int digits) {
        String text = String.format(Locale.ROOT, "%." + digits + "f", p);
        double step = Math.pow(10, -digits);
        if (p < 1 && Double.parseDouble(text) >= 1) {
            return String.format(Locale.ROOT, "> %." + digits + "f", 1 - step);
        }
        if (p > 0 && Double.parseDouble(text) <= 0) {
            return String.format(Locale.ROOT, "< %." + digits + "f", step);
        }
        return text;
    }

    /**
     * {@code id} whole when it fits {@code width} columns, else its start and its end with
     * "..." between: a series keeps its {@code series:} prefix and the UID's distinctive
     * tail, a path its first folders and its file name.
     */
    static String fit(String id, int width) {
        if (id.length() <= width) {
            return id;
        }
        int head = (width - 3) / 3;
        int tail = width - 3 - head;
        return id.substring(0, head) + "..." + id.substring(id.length() - tail);
    }

    /** Streams records as they come, in input order. */
    interface Writer extends AutoCloseable {
        void write(ScanResult result);

        @Override
        void close();
    }

    Writer open(PrintWriter out, ModelManifest model) {
        return switch (this) {
            case JSONL -> new Writer() {
                public void write(ScanResult r) {
                    out.println(Json.write(r));
                }

                public void close() {
                    out.flush();
                }
            };
            case JSON -> new Writer() {
                boolean first = true;

                public void write(ScanResult r) {
                    out.print(first ? "[\n  " : ",\n  ");
                    out.print(Json.write(r));
                    first = false;
                }

                public void close() {
                    out.println(first ? "[]" : "\n]");
                    out.flush();
                }
            };
            case CSV -> new CsvWriter(out);
            case TABLE -> new TableWriter(out, model);
        };
    }

    private static final class CsvWriter implements Writer {
        /** The model v2 type names, in the csv's column order. */
        private static final List<String> TYPE_COLUMNS = List.of("glioma", "meningioma", "pituitary");
        private final PrintWriter out;

        CsvWriter(PrintWriter out) {
            this.out = out;
            // model v2's tumour-type columns, then the series columns, then the research-use
            // notice go last, so readers of the earlier columns keep working
            out.println("scanId,label,score,riskTier,decisionThreshold,errorCode,errorMessage,format,width,height,"
                    + "cropX,cropY,cropWidth,cropHeight,totalMs,modelName,modelVersion,modelSha256,"
                    + "tumorType,gliomaProbability,meningiomaProbability,pituitaryProbability,seriesInstanceUid,frame,"
                    + "seriesSlices,notice");
        }

        @Override
        public void write(ScanResult r) {
            List<Object> cells = new ArrayList<>();
            cells.add(r.scanId());
            cells.add(r.label());
            cells.add(r.score());
            cells.add(r.riskTier());
            cells.add(r.decisionThreshold());
            cells.add(r.error() == null ? null : r.error().code().name());
            cells.add(r.error() == null ? null : r.error().message());
            cells.add(r.image() == null ? null : r.image().format());
            cells.add(r.image() == null ? null : r.image().width());
            cells.add(r.image() == null ? null : r.image().height());
            CropBox c = r.crop();
            cells.add(c == null ? null : c.x());
            cells.add(c == null ? null : c.y());
            cells.add(c == null ? null : c.width());
            cells.add(c == null ? null : c.height());
            cells.add(r.timingsMs().get("total"));
            cells.add(r.model().name());
            cells.add(r.model().version());
            cells.add(r.model().sha256());
            ScanResult.TumorType type = r.tumorType();
            cells.add(type == null ? null : type.label());
            for (String name : TYPE_COLUMNS) {
                cells.add(type == null ? null : type.probabilities().get(name));
            }
            cells.add(r.series() != null ? r.series().seriesInstanceUid()
                    : r.dicom() == null ? null : r.dicom().seriesInstanceUid());
            cells.add(r.dicom() == null ? null : r.dicom().frame());
            cells.add(r.series() == null ? null : r.series().slices());
            cells.add(Notice.of(r.notice())); // as in every other format
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(cell(cells.get(i)));
            }
            out.println(line);
        }

        private static String cell(Object v) {
            if (v == null) {
                return "";
            }
            String s = v.toString();
            // Quote when needed; a leading =,+,-,@ is neutralised so spreadsheets do not run it.
            if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !(v instanceof Number)) {
                s = "'" + s;
            }
            if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
                s = "\"" + s.replace("\"", "\"\"") + "\"";
            }
            return s;
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    private static final class TableWriter implements Writer {
        private static final String ROW = "%-44s %-9s %7s  %-6s  %s%n";
        private final PrintWriter out;
        private final ModelManifest model;
        private int tumours;
        private int clear;
        private int failed;

        TableWriter(PrintWriter out, ModelManifest model) {
            this.out = out;
            this.model = model;
            out.printf(Locale.ROOT, ROW, "SCAN", "LABEL", "SCORE", "TIER", "DETAIL");
        }

        @Override
        public void write(ScanResult r) {
            String id = printable(r.scanId());
            String name = fit(id, 44);
            if (r.isSeries()) {
                ScanResult.SeriesInfo s = r.series();
                String detail = String.format(Locale.ROOT, "series of %d slice(s), %d classified", s.slices(),
                        s.classified());
                if (s.topSlice() != null) {
                    detail += ", top slice " + printable(s.topSlice().scanId());
                }
                if (r.failed()) {
                    out.printf(Locale.ROOT, ROW, name, "-", "-", "-", detail + "; " + r.error().code());
                } else {
                    out.printf(Locale.ROOT, ROW, name, r.label(), share(r.score(), 3),
                            r.riskTier(), detail);
                }
                return;
            }
            if (r.failed()) {
                failed++;
                out.printf(Locale.ROOT, ROW, name, "-", "-", "-",
                        printable(r.error().code() + ": " + r.error().message()));
            } else {
                if (ScanResult.TUMOR.equals(r.label())) {
                    tumours++;
                } else {
                    clear++;
                }
                CropBox c = r.crop();
                String type = r.tumorType() == null ? "" : "type " + r.tumorType().label() + " "
                        + share(r.tumorType().probabilities().get(r.tumorType().label()), 2) + "; ";
                String frame = r.dicom() != null && r.dicom().frames() != null ? " frame " + r.dicom().frame() : "";
                out.printf(Locale.ROOT, ROW, name, r.label(), share(r.score(), 3),
                        r.riskTier(), type + String.format(Locale.ROOT, "%s%s %dx%d, crop %dx%d at %d,%d",
                                r.image().format(), frame, r.image().width(), r.image().height(), c.width(),
                                c.height(), c.x(), c.y()));
            }
        }

        /**
         * The text with every control character (C0, DEL, C1: terminal escapes, carriage
         * returns, bidirectional overrides) shown as a visible escape such as {@code \x1b},
         * so a file name cannot move the cursor, recolour or rewrite the terminal.
         */
        static String printable(String s) {
            StringBuilder b = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> {
                if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029
                        || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
                    b.append(cp <= 0xff ? String.format(Locale.ROOT, "\\x%02x", cp)
                            : String.format(Locale.ROOT, "\\u%04x", cp));
                } else if (cp == '\\') {
                    b.append("\\\\");
                } else {
                    b.appendCodePoint(cp);
                }
            });
            return b.toString();
        }

        @Override
        public void close() {
            out.printf(Locale.ROOT, "%n%d tumour, %d no tumour, %d failed. Threshold %.2f. Model %s %s.%n",
                    tumours, clear, failed, model.decisionThreshold(), model.name(), model.version());
            out.println(Notice.of(model.notice()));
            out.flush();
        }
    }
}
