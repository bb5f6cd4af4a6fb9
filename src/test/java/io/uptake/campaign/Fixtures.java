package io.uptake.campaign;

import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Synthetic practices and patients (999 NHS numbers, Ofcom drama mobiles) written straight to the database. */
final class Fixtures {
    /** Continues across calls so that patients of one test have different numbers (up to 1,000). */
    private static final java.util.concurrent.atomic.AtomicInteger MOBILES = new java.util.concurrent.atomic.AtomicInteger();

    private Fixtures() {
    }

    record Patient(long id, String nhsNumber, String mobile) {
    }

    static List<Patient> patients(DataSource dataSource, String pcn, String practiceCode, int n) {
        List<Patient> out = new ArrayList<>();
        try (Connection c = Database.raw(dataSource).getConnection()) {
            try (var ps = c.prepareStatement("""
                    INSERT INTO pcn (name, created_at) VALUES (?, now()) ON CONFLICT (name) DO NOTHING""")) {
                ps.setString(1, pcn);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("""
                    INSERT INTO practice (code, name, pcn_id, created_at, updated_at)
                    SELECT ?, ?, id, now(), now() FROM pcn WHERE name = ? ON CONFLICT (code) DO NOTHING""")) {
                ps.setString(1, practiceCode);
                ps.setString(2, "Practice " + practiceCode);
                ps.setString(3, pcn);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("""
                    INSERT INTO patient (nhs_number, given_name, family_name, date_of_birth, sex, mobile, practice_code,
                                         created_at, updated_at)
                    VALUES (?, 'Test', 'Patient', DATE '1960-01-01', 'F', ?, ?, now(), now()) RETURNING id""")) {
                for (int i = 0; i < n; i++) {
                    String nhs = NhsNumbers.next();
                    String mobile = "+44" + NhsNumbers.mobile(MOBILES.getAndIncrement()).substring(1).replace(" ", "");
                    ps.setString(1, nhs);
                    ps.setString(2, mobile);
                    ps.setString(3, practiceCode);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        out.add(new Patient(rs.getLong(1), nhs, mobile));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static void event(DataSource dataSource, long patientId, String type, LocalDate date, Instant importedAt) {
        sql(dataSource, "INSERT INTO event (patient_id, event_date, event_type, imported_at) VALUES (?, ?, ?, ?)",
                patientId, date, type, java.sql.Timestamp.from(importedAt));
    }

    static void sql(DataSource dataSource, String sql, Object... params) {
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(DataSource dataSource, String sql, Object... params) {
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
