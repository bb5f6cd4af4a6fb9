package io.uptake.importing;

import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/** Rows in PostgreSQL's COPY text format, sent in 256 KB chunks. */
public final class CopyBuffer implements AutoCloseable {
    private static final int CHUNK = 256 * 1024;
    private final CopyIn copyIn;
    private final java.io.OutputStream file;
    private long rows;
    private final StringBuilder sb = new StringBuilder(CHUNK + 4096);
    private boolean finished;
    private int rowStart;

    public CopyBuffer(CopyIn copyIn) {
        this.copyIn = copyIn;
        this.file = null;
    }

    /** Writes the rows to a file in COPY text format instead (the import benchmark times COPY alone from it). */
    public CopyBuffer(java.io.OutputStream file) {
        this.copyIn = null;
        this.file = file;
    }

    /** Marks the start of a row that may be abandoned with {@link #discardRow()} before its last field. */
    public void beginRow() {
        rowStart = sb.length();
    }

    /** Forgets the fields written since {@link #beginRow()}. */
    public void discardRow() {
        sb.setLength(rowStart);
    }

    /** Appends a field followed by a tab; null is SQL NULL. */
    public CopyBuffer field(String value) {
        append(value);
        sb.append('\t');
        return this;
    }

    /** Appends the row's last field and ends the row. */
    public CopyBuffer last(String value) {
        append(value);
        sb.append('\n');
        rows++;
        if (sb.length() >= CHUNK) {
            flush();
        }
        rowStart = sb.length();
        return this;
    }

    private void append(String value) {
        if (value == null) {
            sb.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
    }

    private void flush() {
        if (sb.isEmpty()) {
            return;
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        sb.setLength(0);
        try {
            if (copyIn != null) {
                copyIn.writeToCopy(bytes, 0, bytes.length);
            } else {
                file.write(bytes);
            }
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("COPY failed", e);
        }
    }

    /** Sends what is left and ends the COPY; returns the rows PostgreSQL stored. */
    public long finish() throws SQLException {
        flush();
        finished = true;
        return copyIn != null ? copyIn.endCopy() : rows;
    }

    @Override
    public void close() throws SQLException {
        if (!finished && copyIn != null && copyIn.isActive()) {
            copyIn.cancelCopy();
        }
    }
}
