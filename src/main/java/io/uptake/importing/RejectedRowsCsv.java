package io.uptake.importing;

import io.uptake.export.SpreadsheetCsv;
import org.apache.commons.csv.CSVPrinter;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An import's rejected rows as CSV bytes, read from a database cursor a few hundred rows at a time as the
 * response is written: memory stays flat for a million rows and nothing touches the disk. The cursor opens
 * at the first read (a response never written holds no connection) and closes at the last row, or when the
 * server closes the stream (client gone).
 */
final class RejectedRowsCsv extends InputStream {
    private static final String SQL = """
            SELECT line, field, message, raw FROM import_rejection WHERE import_id = ? ORDER BY line""";
    private static final int CHUNK_CHARS = 64 * 1024;
    private final DataSource pool;
    private final long importId;
    private final StringBuilder text = new StringBuilder(CHUNK_CHARS + 4096);
    private final CSVPrinter printer;
    private Connection connection;
    private PreparedStatement statement;
    private ResultSet rows;
    private byte[] chunk = new byte[0];
    private int position;
    private boolean opened;
    private boolean finished;
    private boolean closed;

    RejectedRowsCsv(DataSource pool, long importId) {
        this.pool = pool;
        this.importId = importId;
        try {
            this.printer = SpreadsheetCsv.printer(text, "line", "field", "reason", "row");
        } catch (IOException e) {
            throw new IllegalStateException(e);  // a StringBuilder does not fail
        }
    }

    @Override
    public int read() throws IOException {
        if (!available(1)) {
            return -1;
        }
        return chunk[position++] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!available(1)) {
            return -1;
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, n);
        position += n;
        return n;
    }

    /** Makes at least one unread byte ready, unless the rows are all written. */
    private boolean available(int wanted) throws IOException {
        while (chunk.length - position < wanted) {
            if (finished || closed) {
                return false;
            }
            fill();
        }
        return true;
    }

    /** The next chunk: the header (first time) and up to about 64K characters of rows. */
    private void fill() throws IOException {
        try {
            if (!opened) {
                opened = true;
                open();
            }
            while (text.length() < CHUNK_CHARS) {
                if (rows == null || !rows.next()) {
                    finished = true;
                    release();
                    break;
                }
                // Every text cell defused: the row as it was in the file may start with a formula.
                printer.printRecord(rows.getLong(1), SpreadsheetCsv.text(rows.getString(2)),
                        SpreadsheetCsv.text(rows.getString(3)), SpreadsheetCsv.text(rows.getString(4)));
            }
        } catch (SQLException e) {
            release();
            throw new IOException("Reading the rejected rows of import " + importId + " failed", e);
        }
        chunk = text.toString().getBytes(StandardCharsets.UTF_8);
        position = 0;
        text.setLength(0);
    }

    private void open() throws SQLException {
        connection = pool.getConnection();
        // A cursor (fetch size honoured) needs a transaction in PostgreSQL's driver.
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        statement = connection.prepareStatement(SQL);
        statement.setFetchSize(500);
        statement.setLong(1, importId);
        rows = statement.executeQuery();
    }

    @Override
    public void close() {
        closed = true;
        release();
    }

    @SuppressWarnings("try") // the resources are only closed here: closing them is the point
    private void release() {
        if (connection == null) {
            return;
        }
        try (Connection c = connection; PreparedStatement s = statement; ResultSet r = rows) {
            c.rollback();  // read only: nothing to keep, and the connection goes back clean
        } catch (SQLException e) {
            // The pool checks and discards a broken connection; the download has all it will get.
        } finally {
            connection = null;
            statement = null;
            rows = null;
        }
    }
}
