package io.uptake.optout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.optout.OptOutLedger.Action;
import io.uptake.optout.OptOutLedger.Source;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Types;
import java.util.Optional;

/**
 * Opt-outs and opt-ins a CCC records for one patient: the patient phoned, wrote or said so in person. They are
 * patient-level, for the patient only and not their number: on a family mobile the others have not spoken, and a
 * number that texted STOP stays blocked (here and at Twilio) until it texts START itself. The only way to undo a
 * patient-level opt-out (docs/replies.md). Used by the patient API and by the inbox's "taken by phone" actions.
 */
@Singleton
public class PatientOptOuts {
    private final JdbcOperations jdbc;
    private final OptOutLedger ledger;
    private final QueuedSends queued;
    private final AuditLog audit;

    PatientOptOuts(JdbcOperations jdbc, OptOutLedger ledger, QueuedSends queued, AuditLog audit) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.queued = queued;
        this.audit = audit;
    }

    /**
     * Enters it, cancels the patient's queued texts on an opt-out, and audits it, in one transaction: once this
     * returns, the entry holds.
     *
     * @param source CCC_PHONE (the inbox) or CCC (the patient API)
     * @return where the patient stands now; empty when there is no such patient in the caller's PCN (404)
     */
    @Transactional
    public Optional<OptOutLedger.Status> record(CurrentUser user, long patientId, Action action, Source source,
                                                @Nullable String reason) {
        if (!visible(user, patientId)) {
            return Optional.empty();
        }
        String reference = reason == null || reason.isBlank()
                ? (source == Source.CCC_PHONE ? "by phone" : null) : reason.trim();
        long entry = ledger.forPatient(patientId, action, source, reference, user.username());
        if (action == Action.OPT_OUT) {
            queued.cancelFor(patientId, null, source == Source.CCC_PHONE ? "Opted out by phone" : "Opted out by CCC");
        }
        audit.record(user, auditAction(action, source), "patient:" + patientId, "ledger:" + entry);
        return Optional.of(ledger.status(patientId));
    }

    /** What confirming a reply as an opt-out did. @param cancelled how many queued texts were stopped */
    public record Confirmed(OptOutLedger.Status status, int cancelled) {
    }

    /**
     * A CCC confirms that a patient's free-text reply ("no more messages please") is an opt-out: the patient's own
     * (patient-level) entry, referencing the reply, their queued texts cancelled, audited as
     * {@code OPT_OUT_REPLY_CONFIRMED}, in one transaction. Not the number's: the words were not a keyword, so
     * Twilio has not blocked it, and the reply's own STOP path is for keywords only.
     *
     * @return empty when there is no such patient in the caller's PCN (404)
     */
    @Transactional
    public Optional<Confirmed> confirmFromReply(CurrentUser user, long patientId, long inboundId) {
        if (!visible(user, patientId)) {
            return Optional.empty();
        }
        long entry = ledger.forPatient(patientId, Action.OPT_OUT, Source.CCC, "reply inbound:" + inboundId,
                user.username());
        int cancelled = queued.cancelFor(patientId, null, "Opted out by reply, confirmed by " + user.username());
        audit.record(user, "OPT_OUT_REPLY_CONFIRMED", "patient:" + patientId,
                "ledger:" + entry + " inbound:" + inboundId + " cancelled:" + cancelled);
        return Optional.of(new Confirmed(ledger.status(patientId), cancelled));
    }

    /** The id of the patient with this NHS number (digits) in the caller's PCN. */
    @Transactional(readOnly = true)
    public Optional<Long> patientId(String nhsNumber, CurrentUser user) {
        return jdbc.prepareStatement("""
                SELECT p.id FROM patient p JOIN practice pr ON pr.code = p.practice_code
                WHERE p.nhs_number = ? AND (CAST(? AS BIGINT) IS NULL OR pr.pcn_id = ?)""", ps -> {
            ps.setString(1, nhsNumber);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
            }
        });
    }

    @Transactional(readOnly = true)
    public OptOutLedger.Status status(long patientId) {
        return ledger.status(patientId);
    }

    /** The inbox's names are kept, so that the audit trail reads the same before and after the patient API. */
    private static String auditAction(Action action, Source source) {
        String how = source == Source.CCC_PHONE ? "_BY_PHONE" : "_BY_CCC";
        return (action == Action.OPT_OUT ? "OPT_OUT" : "OPT_IN") + how;
    }

    private boolean visible(CurrentUser user, long patientId) {
        return jdbc.prepareStatement("""
                SELECT 1 FROM patient p JOIN practice pr ON pr.code = p.practice_code
                WHERE p.id = ? AND (CAST(? AS BIGINT) IS NULL OR pr.pcn_id = ?)""", ps -> {
            ps.setLong(1, patientId);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }
}
