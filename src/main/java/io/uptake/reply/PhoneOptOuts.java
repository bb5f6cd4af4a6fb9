package io.uptake.reply;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.optout.OptOutLedger;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Types;

/**
 * An opt-out or opt-in a patient gave the CCC on the phone. Recorded for the patient only, not the number:
 * on a family mobile the others have not spoken. (A number that texted STOP stays blocked at Twilio until
 * it texts START itself, whatever is recorded here; the page says so.)
 */
@Singleton
class PhoneOptOuts {
    private final JdbcOperations jdbc;
    private final OptOutLedger ledger;
    private final QueuedSends queued;
    private final AuditLog audit;

    PhoneOptOuts(JdbcOperations jdbc, OptOutLedger ledger, QueuedSends queued, AuditLog audit) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.queued = queued;
        this.audit = audit;
    }

    /** @return false when the patient does not exist or is outside the caller's PCN (answer 404) */
    @Transactional
    boolean record(CurrentUser user, long patientId, OptOutLedger.Action action, String note) {
        if (!visible(user, patientId)) {
            return false;
        }
        String reference = note == null || note.isBlank() ? "by phone" : note.trim();
        ledger.record(patientId, null, action, OptOutLedger.Source.CCC_PHONE, reference, user.username());
        if (action == OptOutLedger.Action.OPT_OUT) {
            queued.cancelFor(patientId, null, "Opted out by phone");
        }
        audit.record(user, action == OptOutLedger.Action.OPT_OUT ? "OPT_OUT_BY_PHONE" : "OPT_IN_BY_PHONE",
                "patient:" + patientId, null);
        return true;
    }

    @Transactional
    boolean isOptedOut(long patientId) {
        return ledger.isOptedOut(patientId);
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
