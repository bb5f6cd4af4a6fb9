package io.uptake.gprecord;

import java.time.LocalDate;
import java.util.Optional;

/**
 * One thing that belongs in a patient's GP record, coded: who (NHS number), when, what (SNOMED CT concept and
 * term) and the practice whose record it goes to. {@code key} names its source row ({@code sms:42},
 * {@code optout:7}), so an export can tell which entries a practice already has.
 */
record CodedEntry(String key, String nhsNumber, LocalDate date, String snomedCode, String term, boolean verified,
                  String practiceCode) {

    /** What happened, before coding: the rows the campaign's texts, letters, opt-outs and replies left. */
    record Happened(String key, EntryKind kind, String nhsNumber, LocalDate date, String practiceCode) {
    }

    /** Why an entry is not exported; {@link #EXPORTED} when it is. */
    enum Fate { EXPORTED, UNVERIFIED, NO_CODE }

    /**
     * The rule for every entry: coded through the programme's row of the code file; left out when the file has no
     * code for it, and when its code is unverified unless the CCC asked for unverified codes too.
     */
    static Fate fate(Happened h, String programme, GpRecordCodes codes, boolean includeUnverified) {
        Optional<GpRecordCodes.Code> code = codes.code(h.kind(), programme);
        if (code.isEmpty() || code.get().snomedCode() == null) {
            return Fate.NO_CODE;
        }
        return code.get().exportable(includeUnverified) ? Fate.EXPORTED : Fate.UNVERIFIED;
    }

    /** The coded entry, when {@link #fate} is {@link Fate#EXPORTED} (the same rule: a code, verified or asked for). */
    static Optional<CodedEntry> of(Happened h, String programme, GpRecordCodes codes, boolean includeUnverified) {
        return codes.code(h.kind(), programme).filter(c -> c.exportable(includeUnverified))
                .map(c -> new CodedEntry(h.key(), h.nhsNumber(), h.date(), c.snomedCode(), c.term(), c.verified(),
                        h.practiceCode()));
    }
}
