package dev.brainscan.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough of RFC 7578 to take one part out of a {@code multipart/form-data} body: the
 * boundary from the content type, the part whose Content-Disposition names the field, and
 * its bytes up to the next delimiter. Returns null for anything malformed.
 */
public final class Multipart {
    private Multipart() {
    }

    public static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring(9).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() || b.length() > 200 ? null : b;
            }
        }
        return null;
    }

    /** The bytes of the part named {@code field}, or null when there is none or the body is malformed. */
    public static byte[] part(byte[] body, String boundary, String field) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        while (pos >= 0) {
            int lineEnd = pos + delimiter.length;
            if (lineEnd + 1 < body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
                return null; // closing delimiter
            }
            int delimiterLineEnd = indexOf(body, new byte[] {'\r', '\n'}, lineEnd);
            if (delimiterLineEnd < 0) {
                return null;
            }
            // The headers end at the first empty line; a part without headers has it right after the delimiter line.
            int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, delimiterLineEnd);
            if (headersEnd < 0) {
                return null;
            }
            String headers = headersEnd == delimiterLineEnd ? ""
                    : new String(body, delimiterLineEnd + 2, headersEnd - delimiterLineEnd - 2, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int contentEnd = indexOf(body, next, contentStart);
            if (contentEnd < 0) {
                return null;
            }
            if (field.equals(fieldName(headers))) {
                byte[] out = new byte[contentEnd - contentStart];
                System.arraycopy(body, contentStart, out, 0, out.length);
                return out;
            }
            pos = contentEnd + 2;
        }
        return null;
    }

    static String fieldName(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                for (String param : line.substring(line.indexOf(':') + 1).split(";")) {
                    String p = param.trim();
                    if (p.toLowerCase(Locale.ROOT).startsWith("name=")) {
                        String name = p.substring(5).trim();
                        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                            name = name.substring(1, name.length() - 1);
                        }
                        return name;
                    }
                }
            }
        }
        return null;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
