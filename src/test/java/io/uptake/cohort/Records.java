package io.uptake.cohort;

import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.Rows;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a synthetic GP record (patients, events, imported opt-outs) straight into the tables, as the importer would
 * leave it. Campaign, recipient and message rows come from {@link io.uptake.testsupport.CampaignRows}.
 */
final class Records {
    private static final AtomicInteger MOBILE = new AtomicInteger();
    private final DataSource dataSource;
    private final Rows rows;

    Records(DataSource dataSource) {
        this.dataSource = Database.raw(dataSource);
        this.rows = new Rows(dataSource);
    }

    /** A patient; fields are set with the fluent methods and written by {@link Patient#save()}. */
    final class Patient {
        final String nhsNumber = NhsNumbers.next();
        String givenName = "Amina";
        String familyName = "Okafor";
        LocalDate born;
        String sex = "F";
        String mobile = Rows.mobile(MOBILE.getAndIncrement());
        String language = "en";
        String ethnicityGroup = "UNKNOWN";
        String practice;
        long id;

        Patient(String practice, String sex, LocalDate born) {
            this.practice = practice;
            this.sex = sex;
            this.born = born;
        }

        Patient noMobile() {
            mobile = null;
            return this;
        }

        Patient language(String code) {
            language = code;
            return this;
        }

        Patient ethnicity(String group) {
            ethnicityGroup = group;
            return this;
        }

        Patient named(String given, String family) {
            givenName = given;
            familyName = family;
            return this;
        }

        Patient save() {
            Rows.PatientRow row = rows.patient(practice).nhsNumber(nhsNumber).named(givenName, familyName).born(born)
                    .sex(sex).language(language).ethnicityGroup(ethnicityGroup);
            id = (mobile == null ? row.noMobile("landline") : row.mobile(mobile)).insert();
            return this;
        }

        Patient event(LocalDate date, String type) {
            return event(date, type, "");
        }

        /** An event as the import leaves it: an SMS_OPT_OUT also enters the opt-out ledger (IMPORTED). */
        Patient event(LocalDate date, String type, String value) {
            long event = insert("INSERT INTO event (patient_id, event_date, event_type, value, imported_at)"
                    + " VALUES (?, ?, ?, ?, now()) RETURNING id", id, Date.valueOf(date), type, value);
            if (type.equals("SMS_OPT_OUT")) {
                insert("""
                        INSERT INTO opt_out_ledger (at, patient_id, action, source, reference, recorded_by)
                        VALUES (CAST(? AS TIMESTAMP) AT TIME ZONE 'Europe/London', ?, 'OPT_OUT', 'IMPORTED', ?, 'test')
                        RETURNING id""", Date.valueOf(date), id, "event:" + event);
            }
            return this;
        }
    }

    Patient patient(String practice, String sex, LocalDate born) {
        return new Patient(practice, sex, born);
    }

    long pcn(String name) {
        return rows.pcn(name);
    }

    void practice(String code, String name, long pcnId) {
        rows.practice(code, name, pcnId, Rows.PRACTICE_PHONE);
    }

    long count(String sql, Object... args) {
        return insert(sql, args);
    }

    private long insert(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
