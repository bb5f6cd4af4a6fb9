package io.uptake.importing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An uploaded file spooled to a temporary file, so that its encoding can be decided from all of it
 * while memory stays flat: UTF-8 (with or without BOM) when every byte sequence is valid UTF-8,
 * otherwise Windows-1252 (what Excel on Windows saves as "CSV"). NUL bytes mean binary content.
 */
final class Upload implements AutoCloseable {
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private final Path file;
    private final Charset charset;
    private final boolean bom;
    private final boolean binary;
    private final long bytes;

    private Upload(Path file, Charset charset, boolean bom, boolean binary, long bytes) {
        this.file = file;
        this.charset = charset;
        this.bom = bom;
        this.binary = binary;
        this.bytes = bytes;
    }

    /** Thrown when the body is larger than the configured limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long limit) {
            super(sentence(limit), null, false, false);
        }

        /** What the person who chose the file reads, from the importer's count or from the declared length. */
        static String sentence(long limit) {
            return "The file is larger than the upload limit of " + describe(limit)
                    + ". Split it into smaller files, or ask your administrator to raise UPTAKE_MAX_UPLOAD_BYTES.";
        }
    }

    /** A limit in people's units: "100 MB", or bytes when it is not a whole number of megabytes. */
    static String describe(long bytes) {
        long mb = 1024L * 1024L;
        return bytes >= mb && bytes % mb == 0 ? bytes / mb + " MB" : bytes + " bytes";
    }

    static Upload spool(InputStream body, long maxBytes) throws IOException {
        Path file = Files.createTempFile("uptake-import", ".csv");
        try {
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer pending = ByteBuffer.allocate(64 * 1024 + 8);
            CharBuffer chars = CharBuffer.allocate(64 * 1024 + 8);
            boolean validUtf8 = true;
            boolean binary = false;
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            byte[] head = new byte[3];
            int headLen = 0;
            try (InputStream in = new BufferedInputStream(body); OutputStream out = Files.newOutputStream(file)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        throw new TooLarge(maxBytes);
                    }
                    out.write(buf, 0, n);
                    for (int i = 0; i < n && headLen < 3; i++) {
                        head[headLen++] = buf[i];
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == 0) {
                            binary = true;
                            break;
                        }
                    }
                    if (validUtf8) {
                        pending.put(buf, 0, n);
                        pending.flip();
                        chars.clear();
                        CoderResult r = utf8.decode(pending, chars, false);
                        while (r.isOverflow()) {
                            chars.clear();
                            r = utf8.decode(pending, chars, false);
                        }
                        if (r.isError()) {
                            validUtf8 = false;
                        }
                        pending.compact();
                    }
                }
            }
            if (validUtf8 && pending.position() > 0) {
                validUtf8 = false;  // the file ends in the middle of a UTF-8 sequence
            }
            boolean bom = headLen == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
            return new Upload(file, validUtf8 ? StandardCharsets.UTF_8 : WINDOWS_1252, bom, binary, total);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    Charset charset() {
        return charset;
    }

    boolean binary() {
        return binary;
    }

    long bytes() {
        return bytes;
    }

    /** The text, decoded, without the BOM. */
    Reader reader() throws IOException {
        InputStream in = Files.newInputStream(file);
        if (bom) {
            in.skipNBytes(3);
        }
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new InputStreamReader(new BufferedInputStream(in, 256 * 1024), decoder);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
