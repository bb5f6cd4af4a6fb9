package io.uptake.optout;

import io.micronaut.core.annotation.Nullable;
import io.uptake.optout.OptOutLedger.Action;
import io.uptake.optout.OptOutLedger.Source;

import java.util.List;
import java.util.Objects;

/**
 * Who may not be texted, decided from the opt-out ledger: the rule of docs/replies.md (its truth table is
 * {@code OptOutTable} in the tests), as pure functions. The views of migration V80 ({@code opted_out_patient},
 * {@code opted_out_number}) are the same rule in SQL, which every reader uses; the tests hold both to the table.
 *
 * <p>Every entry has a level. A {@link Level#PATIENT} entry is about one patient, on any number they have now or
 * later: a CCC's record, an imported dissent, or a STOP from a number only that patient could be. A
 * {@link Level#NUMBER} entry is about the handset it came from, whoever is on it: every STOP and START, and
 * Twilio's 21610. Within a level the latest entry decides, and no entry of one level undoes one of the other: a
 * START from a family mobile reverses that mobile's STOP, never a patient's own objection.
 */
public final class OptOutRule {
    private OptOutRule() {
    }

    public enum Level { PATIENT, NUMBER }

    /**
     * One ledger entry as the rule reads it.
     *
     * @param patientId for a PATIENT entry, whose objection; for a NUMBER entry only the patient we matched (not read)
     * @param phone     for a NUMBER entry, the E.164 number; null for a PATIENT entry
     */
    public record Entry(Level level, Action action, @Nullable Long patientId, @Nullable String phone) {
        public Entry {
            Objects.requireNonNull(level);
            Objects.requireNonNull(action);
            if (level == Level.PATIENT && (patientId == null || phone != null)) {
                throw new IllegalArgumentException("A patient-level entry names a patient and no number");
            }
            if (level == Level.NUMBER && phone == null) {
                throw new IllegalArgumentException("A number-level entry names a number");
            }
        }
    }

    /**
     * The levels at which a request is entered, one ledger entry each.
     *
     * @param candidatePatients the patients the number may be, as the reply matcher counts them (patients with
     *                          that mobile, or texted at it); only a STOP from a number that is exactly one patient
     *                          is that patient's own objection
     */
    public static List<Level> levels(Source source, Action action, int candidatePatients) {
        return switch (source) {
            case CCC, CCC_PHONE -> List.of(Level.PATIENT);
            case IMPORTED -> optOutOnly(source, action, List.of(Level.PATIENT));
            case TWILIO_21610 -> optOutOnly(source, action, List.of(Level.NUMBER));
            // The handset asked, so the number always stops; only when no one else can be on it is it also the
            // patient's own. A START is the handset's only: a patient-level opt-out is undone by a CCC alone.
            case REPLY -> action == Action.OPT_OUT && candidatePatients == 1
                    ? List.of(Level.NUMBER, Level.PATIENT) : List.of(Level.NUMBER);
        };
    }

    /** The patient's own objection is in force: their latest patient-level entry is an opt-out. */
    public static boolean patientObjects(long patientId, List<Entry> ledger) {
        return latestIsOptOut(ledger, e -> e.level() == Level.PATIENT && e.patientId() == patientId);
    }

    /** The number is not to be texted, for anyone: its latest number-level entry is an opt-out. */
    public static boolean numberOptedOut(@Nullable String phone, List<Entry> ledger) {
        return phone != null && latestIsOptOut(ledger, e -> e.level() == Level.NUMBER && phone.equals(e.phone()));
    }

    /**
     * The patient is not to be texted: their own objection, or an opt-out of the mobile on their record.
     *
     * @param ledger every entry, oldest first (the ledger's order: {@code at}, then {@code id})
     */
    public static boolean optedOut(long patientId, @Nullable String mobile, List<Entry> ledger) {
        return patientObjects(patientId, ledger) || numberOptedOut(mobile, ledger);
    }

    private static boolean latestIsOptOut(List<Entry> ledger, java.util.function.Predicate<Entry> about) {
        for (int i = ledger.size() - 1; i >= 0; i--) {
            if (about.test(ledger.get(i))) {
                return ledger.get(i).action() == Action.OPT_OUT;
            }
        }
        return false;
    }

    private static List<Level> optOutOnly(Source source, Action action, List<Level> levels) {
        if (action != Action.OPT_OUT) {
            throw new IllegalArgumentException(source + " only ever opts out");
        }
        return levels;
    }
}
