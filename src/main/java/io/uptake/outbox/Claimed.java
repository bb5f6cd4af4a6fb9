package io.uptake.outbox;

import io.uptake.template.Placeholders;

import java.time.Instant;

/**
 * A message a claim took, with what the send checks and the text need, read in the same statement as
 * the claim. Only PENDING messages are claimed to be sent: an UNKNOWN one is the reconciler's
 * ({@link Reconciliations}), never the send path's.
 */
public record Claimed(long id, long campaignId, long recipientId, long patientId, int wave,
                      String templateKey, String to, String language, Instant dueAt, Instant attemptedAt,
                      int attempts, Context context) {

    /**
     * The campaign's status, the patient's opt-out and death, the first qualifying event that counts as
     * conversion (null for none), the status of the earlier wave (null for wave 1) and the text's values
     * (null when the patient's practice is not on record; the phone is the campaign's reply phone when it has
     * one), the message's tracked booking-link token (null when the campaign has no booking URL), and whether a
     * later patient import registered the patient with a practice outside the campaign's PCN.
     */
    public record Context(String campaignStatus, String programme, String nhsNumber, boolean optedOut,
                          boolean deceased, String conversion, MessageStatus previousStatus, Placeholders values,
                          String bookingToken, boolean registeredElsewhere) {
        public Context(String campaignStatus, String programme, String nhsNumber, boolean optedOut,
                       boolean deceased, String conversion, MessageStatus previousStatus, Placeholders values) {
            this(campaignStatus, programme, nhsNumber, optedOut, deceased, conversion, previousStatus, values, null,
                    false);
        }
    }
}
