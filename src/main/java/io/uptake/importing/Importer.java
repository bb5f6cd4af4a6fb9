package io.uptake.importing;

import io.micronaut.context.annotation.Value;
import io.micronaut.transaction.TransactionOperations;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Imports a CSV file of practices, patients or events. The file is spooled to disk (to decide its
 * encoding), then streamed: each row is checked in Java and COPYed into a temporary staging table,
 * and set-based SQL applies the good rows in one go. All of it is one transaction: a request that
 * fails leaves the database as it was. Memory does not grow with the file; rejected rows go to the
 * import_rejection table and only the first few come back in the answer.
 */
@Singleton
public class Importer {
    private static final Logger LOG = LoggerFactory.getLogger(Importer.class);
    private final Map<String, ImportKind> kinds;
    private final TransactionOperations<Connection> transactions;
    private final EventCodeList codes;
    private final AuditLog audit;
    private final Clock clock;
    private final long maxUploadBytes;
    private final int maxErrors;
    private final String timezone;
    private final List<ImportListener> listeners;

    Importer(List<ImportKind> kinds, TransactionOperations<Connection> transactions, EventCodeList codes,
             AuditLog audit, Clock clock, List<ImportListener> listeners,
             @Value("${uptake.importing.max-upload-bytes:104857600}") long maxUploadBytes,
             @Value("${uptake.importing.max-errors-in-answer:100}") int maxErrors) {
        this.kinds = kinds.stream().collect(Collectors.toUnmodifiableMap(ImportKind::name, Function.identity()));
        this.transactions = transactions;
        this.codes = codes;
        this.audit = audit;
        this.clock = clock;
        this.maxUploadBytes = maxUploadBytes;
        this.maxErrors = maxErrors;
        this.timezone = clock.getZone().getId(); // uptake.timezone, through the one clock
        this.listeners = List.copyOf(listeners);
    }

    public Set<String> kinds() {
        return kinds.keySet();
    }

    long maxUploadBytes() {
        return maxUploadBytes;
    }

    public boolean isKind(String kind) {
        return kinds.containsKey(kind);
    }

    /**
     * Imports {@code body} as {@code kind} for {@code user}.
     *
     * @throws BadUpload       when the file is empty, binary or has no usable header (nothing written)
     * @throws Upload.TooLarge when the body exceeds {@code uptake.importing.max-upload-bytes}
     */
    public ImportResult importCsv(String kind, InputStream body, CurrentUser user) throws IOException {
        ImportKind importKind = kinds.get(kind);
        if (importKind == null) {
            throw new IllegalArgumentException("unknown import kind " + kind);
        }
        try (Upload upload = Upload.spool(body, maxUploadBytes)) {
            if (upload.bytes() == 0) {
                throw new BadUpload("The file is empty: expected a CSV file of " + kind + " with the header line "
                        + importKind.expectedHeader());
            }
            if (upload.binary()) {
                throw new BadUpload("This is not a CSV text file (it holds binary data): expected a CSV file of "
                        + kind + " with the header line " + importKind.expectedHeader());
            }
            long started = System.nanoTime();
            ImportResult result = transactions.executeWrite(status -> run(importKind, upload, user, status.getConnection()));
            LOG.info("Import {} of {} by {}: received={} inserted={} updated={} unchanged={} rejected={} in {} ms ({})",
                    result.id(), kind, user.username(), result.received(), result.inserted(), result.updated(),
                    result.unchanged(), result.rejected(), (System.nanoTime() - started) / 1_000_000, upload.charset());
            return result;
        }
    }

    private ImportResult run(ImportKind kind, Upload upload, CurrentUser user, Connection c) {
        try {
            Instant now = clock.instant();
            LocalDate today = LocalDate.now(clock);
            ImportKind.Context context = new ImportKind.Context(user, today, now, timezone, practicesInScope(c, user),
                    ownPcnName(c, user), codes);
            long id = startRun(c, kind, user, upload, now);
            try (var st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE import_stage (line BIGINT, error_field TEXT, error_message TEXT, raw TEXT, "
                        + kind.stageColumns() + ") ON COMMIT DROP");
            }
            long t0 = System.nanoTime();
            long received = stage(kind, upload, context, c);
            try (var st = c.createStatement()) {
                st.execute("ANALYZE import_stage");
            }
            long t1 = System.nanoTime();
            ImportKind.Counts counts = kind.apply(c, context);
            LOG.info("Import {}: staged {} rows in {} ms, applied in {} ms", id, received, (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
            long rejected = ImportKind.update(c, """
                    INSERT INTO import_rejection (import_id, line, field, message, raw)
                    SELECT ?, line, error_field, error_message, raw FROM import_stage WHERE error_message IS NOT NULL""", id);
            long unchanged = received - rejected - counts.inserted() - counts.updated();
            ImportKind.update(c, """
                    UPDATE import_run SET received = ?, inserted = ?, updated = ?, unchanged = ?, rejected = ? WHERE id = ?""",
                    received, counts.inserted(), counts.updated(), unchanged, rejected, id);
            // In this transaction: a text to a patient the import marks dead or moved away is stopped with it.
            for (ImportListener listener : listeners) {
                listener.imported(kind.name(), user, now);
            }
            List<ImportResult.ImportError> errors = firstErrors(c, id);
            List<ImportResult.ImportError> leftOut = new ArrayList<>();
            long valuesLeftOut = leftOut(kind, c, leftOut);
            audit.record(user, "IMPORT", kind.name(), "import " + id + ": received " + received + ", inserted "
                    + counts.inserted() + ", updated " + counts.updated() + ", unchanged " + unchanged + ", rejected " + rejected
                    + (valuesLeftOut == 0 ? "" : ", values left out " + valuesLeftOut));
            return new ImportResult(id, kind.name(), received, counts.inserted(), counts.updated(), unchanged, rejected,
                    errors, rejected == 0 ? null : "/api/imports/" + id + "/rejected.csv", valuesLeftOut, leftOut);
        } catch (SQLException e) {
            throw new IllegalStateException("Import failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and checks every row, COPYing it (or its rejection) into import_stage; returns rows received. */
    private long stage(ImportKind kind, Upload upload, ImportKind.Context context, Connection c)
            throws IOException, SQLException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).setIgnoreSurroundingSpaces(true).get();
        long received = 0;
        try (Reader reader = upload.reader(); CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get();
             CopyBuffer copy = new CopyBuffer(c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                     "COPY import_stage FROM STDIN (FORMAT text)"))) {
            Iterator<CSVRecord> records = parser.iterator();
            int[] positions = header(kind, records);
            while (true) {
                long line = parser.getCurrentLineNumber() + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new BadUpload("Line " + line + " cannot be read as CSV (" + e.getMessage()
                            + "); check that quotes are closed");
                }
                String[] values = record.values();
                if (isBlank(values)) {
                    continue;
                }
                received++;
                String lineText = Long.toString(line);
                copy.beginRow();
                try {
                    copy.field(lineText).field(null).field(null).field(null);
                    ImportKind.Row row = new ImportKind.Row(values, positions);
                    kind.checkLengths(row);
                    kind.stage(row, context, copy);
                } catch (ImportKind.Rejected r) {
                    // Drop the fields written so far and stage the row as a rejection, kept for the download.
                    copy.discardRow();
                    copy.field(lineText).field(r.field).field(r.getMessage())
                            .field(CSVFormat.DEFAULT.format((Object[]) values));
                    for (int i = 0; i < kind.stageWidth() - 1; i++) {
                        copy.field(null);
                    }
                    copy.last(null);
                }
            }
            copy.finish();
        }
        return received;
    }

    /** Maps the header line to the kind's columns; 400 when it is missing or lacks required columns. */
    private static int[] header(ImportKind kind, Iterator<CSVRecord> records) {
        String expected = "expected a CSV file of " + kind.name() + " with the header line " + kind.expectedHeader();
        CSVRecord first = null;
        while (records.hasNext()) {
            CSVRecord r = records.next();
            if (!isBlank(r.values())) {
                first = r;
                break;
            }
        }
        if (first == null) {
            throw new BadUpload("The file has no lines: " + expected);
        }
        List<ImportKind.Column> columns = kind.columns();
        int[] positions = new int[columns.size()];
        Arrays.fill(positions, -1);
        String[] names = first.values();
        for (int p = 0; p < names.length; p++) {
            String key = Fields.key(names[p]);
            for (int c = 0; c < columns.size(); c++) {
                ImportKind.Column column = columns.get(c);
                if (positions[c] < 0 && (Fields.key(column.name()).equals(key) || column.aliases().contains(key))) {
                    positions[c] = p;
                    break;
                }
            }
        }
        if (Arrays.stream(positions).allMatch(p -> p < 0)) {
            throw new BadUpload("No known column in the first line: " + expected);
        }
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).required() && positions[c] < 0) {
                missing.add(columns.get(c).name());
            }
        }
        if (kind instanceof EventImport && positions[2] < 0 && positions[4] < 0) {
            missing.add("event_type or code");
        }
        if (!missing.isEmpty()) {
            throw new BadUpload("Missing column(s) " + String.join(", ", missing) + ": " + expected);
        }
        return positions;
    }

    private static boolean isBlank(String[] values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private long startRun(Connection c, ImportKind kind, CurrentUser user, Upload upload, Instant now) throws SQLException {
        try (var ps = c.prepareStatement("""
                INSERT INTO import_run (kind, username, pcn_id, at, charset, bytes) VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")) {
            ps.setString(1, kind.name());
            ps.setString(2, user.username());
            ps.setObject(3, user.pcnId());
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, upload.charset().name());
            ps.setLong(6, upload.bytes());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Set<String> practicesInScope(Connection c, CurrentUser user) throws SQLException {
        Set<String> codes = new HashSet<>();
        try (var ps = c.prepareStatement("SELECT code FROM practice WHERE CAST(? AS BIGINT) IS NULL OR pcn_id = ?")) {
            ps.setObject(1, user.pcnScope());
            ps.setObject(2, user.pcnScope());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    codes.add(rs.getString(1));
                }
            }
        }
        return codes;
    }

    private static String ownPcnName(Connection c, CurrentUser user) throws SQLException {
        if (user.pcnId() == null) {
            return null;
        }
        try (var ps = c.prepareStatement("SELECT name FROM pcn WHERE id = ?")) {
            ps.setLong(1, user.pcnId());
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Counts the values the kind left out of imported rows, and adds the first few (by line) to {@code first}. */
    private long leftOut(ImportKind kind, Connection c, List<ImportResult.ImportError> first) throws SQLException {
        String query = kind.leftOutValues();
        if (query == null) {
            return 0;
        }
        long total = 0;
        try (var ps = c.prepareStatement("SELECT line, field, message, count(*) OVER () FROM (" + query
                + ") v (line, field, message) ORDER BY line LIMIT ?")) {
            ps.setInt(1, maxErrors);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    first.add(new ImportResult.ImportError(rs.getLong(1), rs.getString(2), rs.getString(3)));
                    total = rs.getLong(4);
                }
            }
        }
        return total;
    }

    private List<ImportResult.ImportError> firstErrors(Connection c, long id) throws SQLException {
        List<ImportResult.ImportError> errors = new ArrayList<>();
        try (var ps = c.prepareStatement(
                "SELECT line, field, message FROM import_rejection WHERE import_id = ? ORDER BY line LIMIT ?")) {
            ps.setLong(1, id);
            ps.setInt(2, maxErrors);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    errors.add(new ImportResult.ImportError(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return errors;
    }
}
