package dev.brainscan.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Taking the {@code file} part out of a multipart/form-data body (RFC 7578 over RFC 2046). */
class MultipartTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String part(String name, String content) {
        return "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name + ".jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n" + content;
    }

    @Test
    void boundary_isReadFromTheContentTypeWhateverTheCaseAndSpacing() {
        assertEquals("abc", Multipart.boundary("multipart/form-data; boundary=abc"));
        assertEquals("abc", Multipart.boundary("Multipart/Form-Data;BOUNDARY=abc"));
        assertEquals("abc", Multipart.boundary("multipart/form-data; charset=utf-8; boundary=abc ; x=y"));
        assertEquals("----WebKitFormBoundary7MA4YWxkTrZu0gW",
                Multipart.boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"));
    }

    @Test
    void boundary_quoted_losesItsQuotes() {
        assertEquals("a b:c", Multipart.boundary("multipart/form-data; boundary=\"a b:c\""));
    }

    @Test
    void boundary_missingEmptyOrAbsurd_isNull() {
        assertNull(Multipart.boundary("multipart/form-data"));
        assertNull(Multipart.boundary("multipart/form-data; boundary="));
        assertNull(Multipart.boundary("multipart/form-data; boundary=\"\""));
        assertNull(Multipart.boundary("multipart/form-data; boundary=" + "x".repeat(201)));
        assertNull(Multipart.boundary(null));
    }

    @Test
    void boundary_ofAnotherContentType_isNull() {
        assertNull(Multipart.boundary("image/jpeg"));
        assertNull(Multipart.boundary("multipart/mixed; boundary=abc"));
    }

    @Test
    void part_namedFile_isReturnedWithoutItsHeadersOrTheTrailingCrlf() {
        byte[] body = bytes("--b\r\n" + part("file", "JPEG\r\nDATA") + "\r\n--b--\r\n");
        assertArrayEquals(bytes("JPEG\r\nDATA"), Multipart.part(body, "b", "file"));
    }

    @Test
    void part_binaryContent_isReturnedByteForByte() {
        byte[] content = new byte[256];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        byte[] head = bytes("--b\r\n" + part("file", ""));
        byte[] tail = bytes("\r\n--b--\r\n");
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        assertArrayEquals(content, Multipart.part(body, "b", "file"));
    }

    @Test
    void part_afterOtherFields_isFound() {
        byte[] body = bytes("--b\r\n" + part("notes", "hello") + "\r\n--b\r\n" + part("file", "DATA") + "\r\n--b--");
        assertArrayEquals(bytes("DATA"), Multipart.part(body, "b", "file"));
    }

    @Test
    void part_noneNamedFile_isNull() {
        byte[] body = bytes("--b\r\n" + part("upload", "DATA") + "\r\n--b--\r\n");
        assertNull(Multipart.part(body, "b", "file"));
    }

    @Test
    void part_duplicateFileParts_theFirstIsUsed() {
        byte[] body = bytes("--b\r\n" + part("file", "FIRST") + "\r\n--b\r\n" + part("file", "SECOND") + "\r\n--b--");
        assertArrayEquals(bytes("FIRST"), Multipart.part(body, "b", "file"));
    }

    @Test
    void part_preambleAndEpilogue_areIgnored() {
        byte[] body = bytes("This is a preamble.\r\n--b\r\n" + part("file", "DATA") + "\r\n--b--\r\nepilogue\r\n");
        assertArrayEquals(bytes("DATA"), Multipart.part(body, "b", "file"));
    }

    @Test
    void part_transportPaddingAfterTheDelimiter_isAllowed() {
        byte[] body = bytes("--b  \r\n" + part("file", "DATA") + "\r\n--b--");
        assertArrayEquals(bytes("DATA"), Multipart.part(body, "b", "file"));
    }

    @Test
    void part_withoutHeaders_hasNoNameAndIsSkipped() {
        byte[] body = bytes("--b\r\n\r\nANONYMOUS\r\n--b\r\n" + part("file", "DATA") + "\r\n--b--");
        assertArrayEquals(bytes("DATA"), Multipart.part(body, "b", "file"));
        assertNull(Multipart.part(bytes("--b\r\n\r\nANONYMOUS\r\n--b--"), "b", "file"));
        assertNull(Multipart.part(bytes("--b\r\n\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nFAKE\r\n--b--"),
                "b", "file"), "a header-like line in an anonymous part's content is content");
    }

    @Test
    void part_unquotedAndCaseVariedHeader_isFound() {
        byte[] body = bytes("--b\r\ncontent-disposition: form-data; filename=x.jpg; name=file\r\n\r\nDATA\r\n--b--");
        assertArrayEquals(bytes("DATA"), Multipart.part(body, "b", "file"));
    }

    @Test
    void part_filenameParameter_isNotMistakenForTheName() {
        byte[] body = bytes("--b\r\nContent-Disposition: form-data; filename=\"file\"; name=\"other\"\r\n\r\nX\r\n--b--");
        assertNull(Multipart.part(body, "b", "file"));
    }

    @Test
    void part_lfOnlyLineEndings_areRefusedAsRfc2046RequiresCrlf() {
        byte[] body = bytes("--b\n" + part("file", "DATA").replace("\r\n", "\n") + "\n--b--\n");
        assertNull(Multipart.part(body, "b", "file"));
    }

    @Test
    void part_withoutItsClosingDelimiter_isNull() {
        assertNull(Multipart.part(bytes("--b\r\n" + part("file", "DATA")), "b", "file"));
    }

    @Test
    void part_headersNeverEnded_isNull() {
        assertNull(Multipart.part(bytes("--b\r\nContent-Disposition: form-data; name=\"file\"\r\nDATA"), "b", "file"));
    }

    @Test
    void part_withAnotherBoundary_isNull() {
        byte[] body = bytes("--other\r\n" + part("file", "DATA") + "\r\n--other--");
        assertNull(Multipart.part(body, "b", "file"));
    }

    @Test
    void part_emptyBody_isNull() {
        assertNull(Multipart.part(new byte[0], "b", "file"));
    }

    @Test
    void part_emptyFilePart_isAnEmptyArray() {
        byte[] body = bytes("--b\r\n" + part("file", "") + "\r\n--b--");
        assertArrayEquals(new byte[0], Multipart.part(body, "b", "file"));
    }
}
