package dev.brainscan.core.image;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The PNG guard: walks the chunks and passes on only those the pixels need. */
final class PngGuard implements ContainerGuard {
    /** Most chunks a PNG may have (libpng writes 8 KB IDAT chunks: 2,560 in a 20 MB file). */
    static final int MAX_CHUNKS = 65_536;
    /**
     * Deflate's largest expansion is 1,032 bytes out per byte in (258-byte matches in 2 bits);
     * a PNG whose IDAT data is smaller than its raster over this ratio cannot hold its pixels.
     */
    static final int DEFLATE_MAX_RATIO = 1032;
    /** Decoded raster bytes allowed per pixel of the pixel limit (a 16-bit RGBA PNG needs 8 per pixel). */
    static final int RASTER_BYTES_PER_LIMIT_PIXEL = 4;

    /** IHDR's width and height, so that a header claiming a huge image is refused before the walk. */
    @Override
    public int[] declared(byte[] b) {
        return b.length >= 24 ? new int[] {Bytes.be32(b, 16), Bytes.be32(b, 20)} : null;
    }

    /**
     * Walks the PNG chunks: IHDR first, chunk lengths within the file; passes on IHDR, PLTE,
     * tRNS, IDAT, IEND and a small eXIf. Text (tEXt, zTXt, iTXt), iCCP, animation and every
     * other ancillary chunk are dropped unread. The raster the header implies must fit the budget.
     */
    @Override
    public Checked check(byte[] b, Limits limits) throws ScanException {
        if (b.length < 8 + 8 + 13 + 4 || !Bytes.startsWith(b, 12, b.length - 12, "IHDR") || Bytes.be32(b, 8) != 13) {
            throw ContainerGuard.corrupt("png", "the header is missing");
        }
        int width = Bytes.be32(b, 16);
        int height = Bytes.be32(b, 20);
        int bitDepth = b[24] & 0xff;
        int colourType = b[25] & 0xff;
        int channels = switch (colourType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw ContainerGuard.corrupt("png", "the colour type is invalid");
        };
        if (bitDepth != 1 && bitDepth != 2 && bitDepth != 4 && bitDepth != 8 && bitDepth != 16) {
            throw ContainerGuard.corrupt("png", "the bit depth is invalid");
        }
        if (width > 0 && height > 0) {
            long rasterBytes = (long) width * height * channels * Math.max(1, bitDepth / 8);
            checkRaster(rasterBytes, limits);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        out.write(b, 0, 8);
        int pos = 8;
        boolean exifKept = false;
        boolean ended = false;
        int chunks = 0;
        long idatBytes = 0;
        while (pos + 8 <= b.length) {
            if (++chunks > MAX_CHUNKS) {
                throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The PNG has more than %d chunks; at most %d are read.", MAX_CHUNKS, MAX_CHUNKS));
            }
            long len = Bytes.be32(b, pos) & 0xffffffffL;
            if (len > Integer.MAX_VALUE || pos + 12 + len > b.length) {
                // A chunk longer than the file: pass the rest on; the decoder reports the truncation.
                out.write(b, pos, b.length - pos);
                pos = b.length;
                break;
            }
            int total = (int) (12 + len);
            String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
            boolean keep = switch (type) {
                case "IHDR", "PLTE", "tRNS", "IDAT", "IEND" -> true;
                case "eXIf" -> !exifKept && len <= MAX_EXIF_BYTES && (exifKept = true);
                default -> false;
            };
            if (keep) {
                out.write(b, pos, total);
            }
            if (type.equals("IDAT")) {
                idatBytes += len;
            }
            pos += total;
            if (type.equals("IEND")) {
                ended = true;
                break;
            }
        }
        if (!ended && pos < b.length) {
            out.write(b, pos, b.length - pos);
            idatBytes += b.length - pos; // a truncated last chunk: counted, the decoder reports it
        }
        if (width > 0 && height > 0) {
            long raw = (long) height * (1 + ((long) width * channels * bitDepth + 7) / 8);
            if (idatBytes < raw / DEFLATE_MAX_RATIO) {
                throw ContainerGuard.corrupt("png", "its header promises more pixels than its data can hold");
            }
        }
        return new Checked(out.toByteArray(), width, height);
    }

    static void checkRaster(long rasterBytes, Limits limits) throws ScanException {
        long budget = limits.maxPixels() * RASTER_BYTES_PER_LIMIT_PIXEL;
        if (rasterBytes > budget) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "Decoding the image needs %d MB; the limit is %d MB.", rasterBytes >> 20, budget >> 20));
        }
    }
}
