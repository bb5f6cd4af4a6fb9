package io.uptake.testsupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rows every feature's tests stand on (PCNs, practices, patients), written with plain JDBC on the pool
 * itself ({@link Database#raw}), as the imports would leave them. Synthetic only: NHS numbers from
 * {@link NhsNumbers} (999 range, valid check digit) and mobiles in Ofcom's drama range.
 */
public final class Rows {
    /** A drama-range landline (Ofcom 0161 496 0000-0999), for practices that need a number to quote. */
    public static final String PRACTICE_PHONE = "0161 496 0000";
    /** Continues across calls so that the patients of one test have different mobiles (up to 1,000). */
    private static final AtomicInteger MOBILES = new AtomicInteger();
    private final DataSource dataSource;

    public Rows(DataSource dataSource) {
        this.dataSource = Database.raw(dataSource);
    }

    /** 07700 900nnn as E.164 (+447700900000 to +447700900999). */
    public static String mobile(int n) {
        return String.format("+447700900%03d", Math.floorMod(n, 1000));
    }

    /** A new PCN; returns its id. */
    public long pcn(String name) {
        return queryLong("INSERT INTO pcn (name, created_at) VALUES (?, now()) RETURNING id", name);
    }

    /** The PCN of that name, created when there is none yet; returns its id. */
    public long pcnNamed(String name) {
        execute("INSERT INTO pcn (name, created_at) VALUES (?, now()) ON CONFLICT (name) DO NOTHING", name);
        return queryLong("SELECT id FROM pcn WHERE name = ?", name);
    }

    /** A practice with no phone number; returns its code. */
    public String practice(String code, String name, long pcnId) {
        return practice(code, name, pcnId, null);
    }

    /** A practice; returns its code. */
    public String practice(String code, String name, long pcnId, String phone) {
        execute("INSERT INTO practice (code, name, phone, pcn_id, created_at, updated_at) VALUES (?, ?, ?, ?, now(), now())",
                code, name, phone, pcnId);
        return code;
    }

    /**
     * A patient of the practice, written by {@link PatientRow#insert()}. Unless set: a fresh NHS number, "Test
     * Patient", born 1 January 1960, female, mobile +447700900123, and the table's defaults for the rest
     * (English, ethnicity group UNKNOWN, no IMD decile, no mobile problem).
     */
    public PatientRow patient(String practiceCode) {
        return new PatientRow(practiceCode);
    }

    public final class PatientRow {
        private final String practiceCode;
        private String nhsNumber = NhsNumbers.next();
        private String givenName = "Test";
        private String familyName = "Patient";
        private LocalDate born = LocalDate.of(1960, 1, 1);
        private String sex = "F";
        private String mobile = "+447700900123";
        private String mobileProblem;
        private String language = "en";
        private String ethnicityGroup = "UNKNOWN";
        private Integer imdDecile;

        private PatientRow(String practiceCode) {
            this.practiceCode = practiceCode;
        }

        public PatientRow nhsNumber(String value) {
            nhsNumber = value;
            return this;
        }

        public PatientRow named(String given, String family) {
            givenName = given;
            familyName = family;
            return this;
        }

        public PatientRow born(LocalDate value) {
            born = value;
            return this;
        }

        public PatientRow sex(String value) {
            sex = value;
            return this;
        }

        /** The usable mobile, or null for none. */
        public PatientRow mobile(String value) {
            mobile = value;
            return this;
        }

        /** Why there is no usable mobile (the importer's words), with no mobile. */
        public PatientRow noMobile(String problem) {
            mobile = null;
            mobileProblem = problem;
            return this;
        }

        public PatientRow language(String value) {
            language = value;
            return this;
        }

        public PatientRow ethnicityGroup(String value) {
            ethnicityGroup = value;
            return this;
        }

        public PatientRow imdDecile(Integer value) {
            imdDecile = value;
            return this;
        }

        public String nhsNumber() {
            return nhsNumber;
        }

        public String mobile() {
            return mobile;
        }

        /** Writes the patient; returns its id. */
        public long insert() {
            return queryLong("""
                    INSERT INTO patient (nhs_number, given_name, family_name, date_of_birth, sex, mobile, mobile_problem,
                                         language, ethnicity_group, imd_decile, practice_code, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now()) RETURNING id""",
                    nhsNumber, givenName, familyName, Date.valueOf(born), sex, mobile, mobileProblem, language,
                    ethnicityGroup, imdDecile, practiceCode);
        }
    }

    /** A patient written by {@link #patients}. */
    public record Patient(long id, String nhsNumber, String mobile) {
    }

    /**
     * {@code n} patients of the practice (made in the PCN of that name, made too, when there is none), each with a
     * mobile of its own; otherwise {@link #patient}'s defaults.
     */
    public List<Patient> patients(String pcn, String practiceCode, int n) {
        long pcnId = pcnNamed(pcn);
        if (queryLong("SELECT count(*) FROM practice WHERE code = ?", practiceCode) == 0) {
            practice(practiceCode, "Practice " + practiceCode, pcnId);
        }
        List<Patient> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PatientRow row = patient(practiceCode).mobile(mobile(MOBILES.getAndIncrement()));
            out.add(new Patient(row.insert(), row.nhsNumber(), row.mobile()));
        }
        return out;
    }

    /** An event of the patient's record, imported at {@code importedAt}. */
    public void event(long patientId, String type, LocalDate date, Instant importedAt) {
        execute("INSERT INTO event (patient_id, event_date, event_type, imported_at) VALUES (?, ?, ?, ?)",
                patientId, date, type, Timestamp.from(importedAt));
    }

    /** The first column of the first row (a count, or the id an INSERT ... RETURNING gives back). */
    public long queryLong(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No row for " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row, as longs (ids, in the statement's order). */
    public java.util.List<Long> queryLongs(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            java.util.List<Long> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row as text (null when it is NULL). */
    public String queryString(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No row for " + sql);
                }
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A statement that returns no rows (or whose rows do not matter). */
    public void execute(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
