package io.uptake.call;

import java.util.Optional;

/**
 * Whether a recipient of the texted arm, or a patient the campaign wrote to, still needs a call when the CALL wave
 * falls due, as a pure rule over what the list's query read: not if they opted out (by patient or by number), died,
 * or converted by the one conversion rule (V120, as the reminders and the report), nor without a number to call,
 * nor once registered with another PCN's practice (their texts and letters are stopped too: H-007).
 */
final class CallNeed {
    private CallNeed() {
    }

    /** {@code registeredElsewhere}: their practice is now another PCN's (a later patient or practice import). */
    record Facts(boolean hasPhone, boolean optedOut, boolean deceased, String conversion, boolean registeredElsewhere) {
        Facts(boolean hasPhone, boolean optedOut, boolean deceased, String conversion) {
            this(hasPhone, optedOut, deceased, conversion, false);
        }
    }

    /** Empty when the call is needed; otherwise why not, in words for the log and the audit. */
    static Optional<String> whyNot(Facts f) {
        if (!f.hasPhone()) {
            return Optional.of("no number to call");
        }
        if (f.optedOut()) {
            return Optional.of("opted out");
        }
        if (f.deceased()) {
            return Optional.of("deceased");
        }
        if (f.conversion() != null) {
            return Optional.of("converted");
        }
        if (f.registeredElsewhere()) {
            return Optional.of("registered with another PCN's practice");
        }
        return Optional.empty();
    }
}
