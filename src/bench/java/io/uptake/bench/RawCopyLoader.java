package io.uptake.bench;

import io.uptake.demo.SyntheticDataset;
import io.uptake.importing.CopyBuffer;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a {@link SyntheticDataset} straight into the tables with {@code COPY}, bypassing the import:
 * the physical limit the import benchmark compares against, and the quickest way for other
 * benchmarks to get a large database. Needs empty patient and event tables (patient ids are the
 * data set's dense ids).
 */
public final class RawCopyLoader {
    private final Connection connection;

    public RawCopyLoader(Connection connection) {
        this.connection = connection;
    }

    /** PCNs and practices (plain inserts: there are few). */
    public void loadPractices(SyntheticDataset data, Instant now) throws SQLException {
        Map<String, Long> pcnIds = new LinkedHashMap<>();
        for (SyntheticDataset.Practice p : data.practices()) {
            if (!pcnIds.containsKey(p.pcn())) {
                try (var ps = connection.prepareStatement("""
                        WITH ins AS (INSERT INTO pcn (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING RETURNING id)
                        SELECT id FROM ins UNION ALL SELECT id FROM pcn WHERE name = ? LIMIT 1""")) {
                    ps.setString(1, p.pcn());
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setString(3, p.pcn());
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        pcnIds.put(p.pcn(), rs.getLong(1));
                    }
                }
            }
            try (var ps = connection.prepareStatement("""
                    INSERT INTO practice (code, name, phone, pcn_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (code) DO NOTHING""")) {
                ps.setString(1, p.code());
                ps.setString(2, p.name());
                ps.setString(3, p.phone());
                ps.setLong(4, pcnIds.get(p.pcn()));
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setTimestamp(6, Timestamp.from(now));
                ps.executeUpdate();
            }
        }
    }

    /** COPY of every patient as the table holds it, generated on the fly; returns the row count. */
    public long copyPatients(SyntheticDataset data, Instant now) throws SQLException {
        String ts = now.toString();
        long rows;
        try (CopyBuffer copy = new CopyBuffer(connection.unwrap(PGConnection.class).getCopyAPI().copyIn(PATIENT_COPY))) {
            data.forEachPatient(p -> patientRow(copy, p, ts));
            rows = copy.finish();
        }
        try (var st = connection.createStatement()) {
            st.execute("SELECT setval(pg_get_serial_sequence('patient', 'id'), (SELECT max(id) FROM patient))");
        }
        return rows;
    }

    /**
     * COPY of every event; needs the patients loaded by {@link #copyPatients}. Then the opt-out ledger entry of each
     * SMS_OPT_OUT event, as the import writes it: cohorts read opt-outs from the ledger only.
     */
    public long copyEvents(SyntheticDataset data, Instant now) throws SQLException {
        String ts = now.toString();
        long rows;
        try (CopyBuffer copy = new CopyBuffer(connection.unwrap(PGConnection.class).getCopyAPI().copyIn(EVENT_COPY))) {
            data.forEachEvent(e -> eventRow(copy, e, ts));
            rows = copy.finish();
        }
        try (var st = connection.createStatement()) {
            st.execute("""
                    INSERT INTO opt_out_ledger (at, patient_id, action, source, reference, recorded_by)
                    SELECT CAST(event_date AS TIMESTAMP) AT TIME ZONE 'Europe/London', patient_id, 'OPT_OUT', 'IMPORTED',
                           'event:' || id, 'raw copy'
                    FROM event WHERE event_type = 'SMS_OPT_OUT'""");
        }
        return rows;
    }

    static final String PATIENT_COPY = """
            COPY patient (id, nhs_number, given_name, family_name, date_of_birth, sex, mobile, mobile_problem,
                          language, ethnicity, ethnicity_group, postcode, imd_decile, practice_code, created_at, updated_at)
            FROM STDIN (FORMAT text)""";
    static final String EVENT_COPY = "COPY event (patient_id, event_date, event_type, value, code, imported_at) FROM STDIN (FORMAT text)";

    /** Writes the patients in COPY text format (what {@link #copyPatients} sends), to time COPY alone. */
    public static long writePatients(SyntheticDataset data, Instant now, java.io.OutputStream out) throws SQLException {
        String ts = now.toString();
        CopyBuffer copy = new CopyBuffer(out);
        data.forEachPatient(p -> patientRow(copy, p, ts));
        return copy.finish();
    }

    public static long writeEvents(SyntheticDataset data, Instant now, java.io.OutputStream out) throws SQLException {
        String ts = now.toString();
        CopyBuffer copy = new CopyBuffer(out);
        data.forEachEvent(e -> eventRow(copy, e, ts));
        return copy.finish();
    }

    /** COPYs a file written by {@link #writePatients} or {@link #writeEvents} into its table. */
    public long copyFile(java.nio.file.Path file, boolean patients) throws SQLException, java.io.IOException {
        try (var in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 20)) {
            long rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(patients ? PATIENT_COPY : EVENT_COPY, in);
            if (patients) {
                try (var st = connection.createStatement()) {
                    st.execute("SELECT setval(pg_get_serial_sequence('patient', 'id'), (SELECT max(id) FROM patient))");
                }
            }
            return rows;
        }
    }

    private static void patientRow(CopyBuffer copy, SyntheticDataset.Patient p, String ts) {
        copy.field(Long.toString(p.id())).field(p.nhsNumber()).field(p.givenName())
                .field(p.familyName()).field(p.dateOfBirth().toString()).field(String.valueOf(p.sex()))
                .field(p.mobileE164()).field(p.mobileProblem()).field(p.language())
                .field(p.ethnicity().isEmpty() ? null : p.ethnicity()).field(p.ethnicityGroup())
                .field(p.postcode()).field(Integer.toString(p.imdDecile())).field(p.practiceCode())
                .field(ts).last(ts);
    }

    private static void eventRow(CopyBuffer copy, SyntheticDataset.Event e, String ts) {
        copy.field(Long.toString(e.patientId())).field(e.date().toString()).field(e.type())
                .field(e.value()).field(e.code().isEmpty() ? null : e.code()).last(ts);
    }
}
