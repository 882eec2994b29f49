package dev.brainscan.core.image;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * The input of the WebP reader: past the end of the data it reads zeros, up to
 * {@link #MAX_BYTES_PAST_END} bytes past it; the next read fails. TwelveMonkeys' lossless
 * (VP8L) bit reader swallows the end of the stream (one EOFException caught per refill)
 * and goes on decoding, so a 36-byte stream declaring 64x15364 pixels cost ~5 s of CPU.
 * A valid stream never consumes a bit past its end, so its look-ahead reads a few zero
 * bytes at most (its zero-length codes read no byte); a truncated one fails at once.
 */
final class EndGuardedStream extends ImageInputStreamImpl {
    /** How far past the end of its data the WebP reader may read (its look-ahead needs a few bytes). */
    static final int MAX_BYTES_PAST_END = 64;

    private final byte[] data;

    EndGuardedStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        read(one, 0, 1);
        return one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        long from = streamPos;
        if (from + len - data.length > MAX_BYTES_PAST_END) {
            throw new IIOException("The data ends before the image does.");
        }
        int real = (int) Math.max(0, Math.min(len, data.length - from));
        if (real > 0) {
            System.arraycopy(data, (int) from, b, off, real);
        }
        Arrays.fill(b, off + real, off + len, (byte) 0);
        streamPos += len;
        return len;
    }

    @Override
    public long length() {
        return data.length;
    }
}
