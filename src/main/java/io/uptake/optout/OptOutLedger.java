package io.uptake.optout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;

/**
 * The append-only record of opt-outs and opt-ins. A patient is opted out when their latest entry,
 * matched by patient or by mobile number, is an opt-out (view opted_out_patient). Cohorts, launch
 * and every send consult it.
 */
@Singleton
public class OptOutLedger {
    public enum Action { OPT_OUT, OPT_IN }

    public enum Source { REPLY, TWILIO_21610, IMPORTED, CCC_PHONE }

    private final JdbcOperations jdbc;
    private final Clock clock;

    public OptOutLedger(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public void record(@Nullable Long patientId, @Nullable String phone, Action action, Source source,
                       @Nullable String reference, @Nullable String recordedBy) {
        record(patientId, phone, action, source, reference, recordedBy, clock.instant());
    }

    /** With an explicit time, for entries that happened before they reach us (an imported dissent). */
    @Transactional
    public void record(@Nullable Long patientId, @Nullable String phone, Action action, Source source,
                       @Nullable String reference, @Nullable String recordedBy, Instant at) {
        if (patientId == null && phone == null) {
            throw new IllegalArgumentException("An opt-out needs a patient or a number");
        }
        jdbc.prepareStatement("""
                INSERT INTO opt_out_ledger (at, patient_id, phone, action, source, reference, recorded_by)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", ps -> {
            ps.setTimestamp(1, Timestamp.from(at));
            if (patientId == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, patientId);
            }
            ps.setString(3, phone);
            ps.setString(4, action.name());
            ps.setString(5, source.name());
            ps.setString(6, reference);
            ps.setString(7, recordedBy);
            return ps.executeUpdate();
        });
    }

    @Transactional
    public boolean isOptedOut(long patientId) {
        return jdbc.prepareStatement("SELECT 1 FROM opted_out_patient WHERE patient_id = ?", ps -> {
            ps.setLong(1, patientId);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** For a number that may belong to no known patient (an unknown sender's STOP). */
    @Transactional
    public boolean isNumberOptedOut(String phone) {
        return jdbc.prepareStatement("""
                SELECT action FROM opt_out_ledger
                WHERE phone = ? OR patient_id IN (SELECT id FROM patient WHERE mobile = ?)
                ORDER BY at DESC, id DESC LIMIT 1""", ps -> {
            ps.setString(1, phone);
            ps.setString(2, phone);
            try (var rs = ps.executeQuery()) {
                return rs.next() && Action.OPT_OUT.name().equals(rs.getString(1));
            }
        });
    }
}
