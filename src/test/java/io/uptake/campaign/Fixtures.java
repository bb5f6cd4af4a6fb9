package io.uptake.campaign;

import io.uptake.testsupport.Rows;

import javax.sql.DataSource;
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
        Rows rows = new Rows(dataSource);
        long pcnId = rows.pcnNamed(pcn);
        if (rows.queryLong("SELECT count(*) FROM practice WHERE code = ?", practiceCode) == 0) {
            rows.practice(practiceCode, "Practice " + practiceCode, pcnId);
        }
        List<Patient> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Rows.PatientRow row = rows.patient(practiceCode).mobile(Rows.mobile(MOBILES.getAndIncrement()));
            out.add(new Patient(row.insert(), row.nhsNumber(), row.mobile()));
        }
        return out;
    }

    static void event(DataSource dataSource, long patientId, String type, LocalDate date, Instant importedAt) {
        sql(dataSource, "INSERT INTO event (patient_id, event_date, event_type, imported_at) VALUES (?, ?, ?, ?)",
                patientId, date, type, java.sql.Timestamp.from(importedAt));
    }

    static void sql(DataSource dataSource, String sql, Object... params) {
        new Rows(dataSource).execute(sql, params);
    }

    static long count(DataSource dataSource, String sql, Object... params) {
        return new Rows(dataSource).queryLong(sql, params);
    }
}
