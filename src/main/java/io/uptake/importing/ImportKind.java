package io.uptake.importing;

import io.uptake.patient.PlainText;
import io.uptake.security.CurrentUser;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One kind of import file: its columns (with the aliases GP systems use), how a row is checked and
 * staged, and the set-based SQL that applies the staged rows. Rows are staged by COPY into a temporary
 * table {@code import_stage (line, error_field, error_message, raw, <stage columns>)}.
 */
abstract class ImportKind {

    /** A column of the file; {@code aliases} are compared as {@link Fields#key} forms. */
    record Column(String name, boolean required, List<String> aliases) {
        Column(String name, boolean required, String... aliases) {
            this(name, required, List.of(aliases));
        }
    }

    /** What one import knows besides the rows. */
    record Context(CurrentUser user, LocalDate today, Instant now, String timezone, Set<String> practicesInScope,
                   String ownPcnName, EventCodeList codes) {
    }

    /** A row that cannot be imported, with the column at fault and why. */
    static final class Rejected extends Exception {
        final String field;

        Rejected(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /** A data row: values by column index of this kind ("" when the file lacks the column). */
    static final class Row {
        private final String[] values;
        private final int[] positions;
        /** Each value cleaned once: the length check and the kind's own reading both ask for it. */
        private final String[] cleaned;

        Row(String[] values, int[] positions) {
            this.values = values;
            this.positions = positions;
            this.cleaned = new String[positions.length];
        }

        /** The value, trimmed and cleaned of control and bidi characters (PlainText): nothing stored carries them. */
        String get(int column) {
            String value = cleaned[column];
            if (value == null) {
                int p = positions[column];
                value = p < 0 || p >= values.length || values[p] == null ? "" : PlainText.clean(values[p]);
                cleaned[column] = value;
            }
            return value;
        }
    }

    record Counts(long inserted, long updated) {
    }

    abstract String name();

    abstract List<Column> columns();

    /** Column definitions of the staging table after the common ones. */
    abstract String stageColumns();

    /** Number of stage columns: a rejected row writes that many NULLs. */
    abstract int stageWidth();

    /** Checks one row and writes its normal form (stageWidth fields, the last with {@link CopyBuffer#last}). */
    abstract void stage(Row row, Context context, CopyBuffer out) throws Rejected;

    /** Applies the staged good rows; may first mark more rows as rejected (checks that need the database). */
    abstract Counts apply(Connection connection, Context context) throws SQLException;

    /**
     * The values this kind left out of rows it imported (the row is kept, the value is not), as a query over
     * import_stage giving line, field and why; null when it leaves none out.
     */
    String leftOutValues() {
        return null;
    }

    /** The header a file of this kind needs, for 400 messages. */
    String expectedHeader() {
        return columns().stream().map(Column::name).collect(Collectors.joining(","));
    }

    /**
     * The longest value a column may hold. Generous against what GP systems hold (PDS keeps 35 characters a name),
     * so no real row is refused, but a 5,000,000-character name is, with its line, instead of being stored and
     * then returned by every search.
     */
    private static final Map<String, Integer> MAX_LENGTH = Map.ofEntries(
            Map.entry("nhs_number", 20), Map.entry("given_name", 100), Map.entry("family_name", 100),
            Map.entry("date_of_birth", 20), Map.entry("event_date", 20), Map.entry("sex", 20),
            Map.entry("mobile", 30), Map.entry("phone", 30), Map.entry("telephone", 30), Map.entry("postcode", 10), Map.entry("imd_decile", 5),
            Map.entry("practice_code", 10), Map.entry("code", 20), Map.entry("language", 60),
            Map.entry("ethnicity", 120), Map.entry("event_type", 60),
            // PAF holds 80 characters an address line and 30 a post town; these allow for exports that join lines.
            Map.entry("address_line_1", 120), Map.entry("address_line_2", 120), Map.entry("town", 60));
    static final int DEFAULT_MAX_LENGTH = 200;

    static int maxLength(String column) {
        return MAX_LENGTH.getOrDefault(column, DEFAULT_MAX_LENGTH);
    }

    /** Refuses a row any of whose values is longer than its column may hold, naming the column. */
    void checkLengths(Row row) throws Rejected {
        List<Column> columns = columns();
        for (int i = 0; i < columns.size(); i++) {
            int length = row.get(i).length();
            String name = columns.get(i).name();
            if (length > maxLength(name)) {
                throw reject(name, name + " is " + length + " characters long: at most " + maxLength(name));
            }
        }
    }

    static Rejected reject(String field, String message) {
        return new Rejected(field, message);
    }

    static String required(Row row, int column, String field) throws Rejected {
        String v = row.get(column);
        if (v.isEmpty()) {
            throw reject(field, field + " is empty");
        }
        return v;
    }

    static String nhsNumber(Row row, int column) throws Rejected {
        String raw = required(row, column, "nhs_number");
        String digits = io.uptake.patient.NhsNumber.normalise(raw);
        if (!io.uptake.patient.NhsNumber.isTenDigits(digits)) {
            throw reject("nhs_number", "an NHS number has 10 digits");
        }
        if (!io.uptake.patient.NhsNumber.isValid(digits)) {
            throw reject("nhs_number", "not a valid NHS number (fails the Modulus 11 check)");
        }
        return digits;
    }

    static LocalDate pastDate(Row row, int column, String field, LocalDate today) throws Rejected {
        LocalDate date;
        try {
            date = Fields.date(required(row, column, field));
        } catch (Fields.Invalid e) {
            throw reject(field, e.getMessage());
        }
        if (date.isAfter(today)) {
            throw reject(field, field + " " + date + " is in the future");
        }
        return date;
    }

    static long update(Connection c, String sql, Object... params) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeLargeUpdate();
        }
    }

    /** Runs a query returning one row of two longs (inserted, updated). */
    static Counts counts(Connection c, String sql, Object... params) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** Rejects every row but the last of a repeated key: a file that lists a thing twice keeps the later row. */
    static void rejectEarlierRepeats(Connection c, String keyColumn, String field) throws SQLException {
        update(c, """
                UPDATE import_stage s
                SET error_field = ?, error_message = 'repeated on line ' || d.last_line || ', which was used instead'
                FROM (SELECT %1$s AS k, max(line) AS last_line FROM import_stage
                      WHERE error_message IS NULL GROUP BY %1$s HAVING count(*) > 1) d
                WHERE s.%1$s = d.k AND s.line < d.last_line AND s.error_message IS NULL""".formatted(keyColumn), field);
    }
}
