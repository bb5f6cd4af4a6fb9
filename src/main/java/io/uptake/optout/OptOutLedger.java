package io.uptake.optout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.optout.OptOutRule.Level;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only record of opt-outs and opt-ins. Each request is entered at the levels {@link OptOutRule#levels}
 * gives it; who is opted out is read from the views {@code opted_out_patient} and {@code opted_out_number}
 * (migration V80), the rule's one SQL form. Cohorts, launch, every send, the inbox and the reports read them.
 */
@Singleton
public class OptOutLedger {
    public enum Action { OPT_OUT, OPT_IN }

    /**
     * REPLY: a text from the number; TWILIO_21610: the carrier's block of the number; IMPORTED: a dissent from the
     * GP record; CCC_PHONE: taken by phone from the inbox; CCC: recorded by a CCC on the patient (phone, letter).
     */
    public enum Source { REPLY, TWILIO_21610, IMPORTED, CCC_PHONE, CCC }

    /**
     * Where a patient stands.
     *
     * @param optedOut        not to be texted (either of the next two)
     * @param patientObjects  their own patient-level opt-out is in force: only a CCC's opt-in undoes it
     * @param mobileOptedOut  the mobile on their record is an opted-out number: only a START from it undoes it
     */
    public record Status(boolean optedOut, boolean patientObjects, boolean mobileOptedOut) {
    }

    private final JdbcOperations jdbc;
    private final Clock clock;

    public OptOutLedger(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A request that came from a number: a reply (STOP, START) or Twilio's 21610 for a text to it.
     *
     * @param matchedPatientId  the patient the number was matched to, or null for a number we cannot place
     * @param candidatePatients how many patients the number may be (the reply matcher's count)
     * @return the ids of the entries written
     */
    @Transactional
    public List<Long> fromNumber(String phone, @Nullable Long matchedPatientId, int candidatePatients, Action action,
                                 Source source, @Nullable String reference, @Nullable String recordedBy) {
        if (phone == null) {
            throw new IllegalArgumentException("A request from a number needs the number");
        }
        List<Long> ids = new ArrayList<>();
        Instant at = clock.instant();
        for (Level level : OptOutRule.levels(source, action, candidatePatients)) {
            if (level == Level.PATIENT && matchedPatientId == null) {
                // One candidate but no match (SenderMatcher always matches a lone candidate): the number's entry holds,
                // which matters more than refusing the whole STOP.
                continue;
            }
            ids.add(insert(at, matchedPatientId, level == Level.NUMBER ? phone : null, action, source, reference,
                    recordedBy));
        }
        return ids;
    }

    /** A request about one patient: a CCC's record, or an imported dissent. */
    @Transactional
    public long forPatient(long patientId, Action action, Source source, @Nullable String reference,
                           @Nullable String recordedBy) {
        return forPatient(patientId, action, source, reference, recordedBy, clock.instant());
    }

    /** With an explicit time, for entries that happened before they reach us (an imported dissent). */
    @Transactional
    public long forPatient(long patientId, Action action, Source source, @Nullable String reference,
                           @Nullable String recordedBy, Instant at) {
        if (!OptOutRule.levels(source, action, 1).equals(List.of(Level.PATIENT))) {
            throw new IllegalArgumentException(source + " does not speak for a patient");
        }
        return insert(at, patientId, null, action, source, reference, recordedBy);
    }

    private long insert(Instant at, @Nullable Long patientId, @Nullable String phone, Action action, Source source,
                        @Nullable String reference, @Nullable String recordedBy) {
        return jdbc.prepareStatement("""
                INSERT INTO opt_out_ledger (at, patient_id, phone, action, source, reference, recorded_by)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""", ps -> {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setObject(2, patientId, Types.BIGINT);
            ps.setString(3, phone);
            ps.setString(4, action.name());
            ps.setString(5, source.name());
            ps.setString(6, reference);
            ps.setString(7, recordedBy);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Transactional
    public boolean isOptedOut(long patientId) {
        return status(patientId).optedOut();
    }

    @Transactional
    public Status status(long patientId) {
        return jdbc.prepareStatement("""
                SELECT COALESCE(bool_or(level = 'PATIENT'), FALSE), COALESCE(bool_or(level = 'NUMBER'), FALSE)
                FROM opted_out_patient WHERE patient_id = ?""", ps -> {
            ps.setLong(1, patientId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean objects = rs.getBoolean(1);
                boolean mobile = rs.getBoolean(2);
                return new Status(objects || mobile, objects, mobile);
            }
        });
    }

    /** For a number that may belong to no known patient (an unknown sender's STOP): number-level entries only. */
    @Transactional
    public boolean isNumberOptedOut(String phone) {
        return jdbc.prepareStatement("SELECT 1 FROM opted_out_number WHERE phone = ?", ps -> {
            ps.setString(1, phone);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }
}
