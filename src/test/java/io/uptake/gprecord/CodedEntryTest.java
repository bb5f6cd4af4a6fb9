package io.uptake.gprecord;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule for what each entry is coded as, and when it is left out: a table, no context. */
class CodedEntryTest {
    private static final GpRecordCodes CODES = new GpRecordCodes("""
            # test list, version t1, effective 2026-12-01.
            entry,programme,snomed_code,term,verified,source
            TEXT_SENT,*,711408005,Short message service text message sent to patient,yes,Vision+ help
            OPT_OUT,*,513631000000106,Declined consent for short message service text messaging,yes,accuRx
            REPLY_CALLED,*,185317003,Telephone encounter,no,candidate
            REPLY_NOT_INTERESTED,fit-non-returners,1234567001,Bowel screening declined,yes,made-up for the test
            REPLY_NOT_INTERESTED,*,,Declined by patient,no,none found
            """);

    @ParameterizedTest(name = "{0} in {1}, unverified {2}: {3} {4}")
    @CsvSource(nullValues = "-", value = {
            // kind,                 programme,             include unverified, fate,       code
            "TEXT_SENT,              fit-non-returners,     false,  EXPORTED,   711408005",
            "TEXT_SENT,              psa-eligible,          false,  EXPORTED,   711408005",
            "OPT_OUT,                breast-non-attenders,  false,  EXPORTED,   513631000000106",
            // an unverified code stays out unless the CCC asks for it
            "REPLY_CALLED,           fit-non-returners,     false,  UNVERIFIED, -",
            "REPLY_CALLED,           fit-non-returners,     true,   EXPORTED,   185317003",
            // the programme's own row wins over the row for every programme
            "REPLY_NOT_INTERESTED,   fit-non-returners,     false,  EXPORTED,   1234567001",
            "REPLY_NOT_INTERESTED,   psa-eligible,          false,  NO_CODE,    -",
            // no code found: never exported, even when unverified codes are asked for
            "REPLY_NOT_INTERESTED,   psa-eligible,          true,   NO_CODE,    -",
            // a kind the file does not list
            "LETTER_SENT,            fit-non-returners,     true,   NO_CODE,    -",
    })
    void codesOrLeavesOut(EntryKind kind, String programme, boolean includeUnverified, CodedEntry.Fate fate,
                          String code) {
        CodedEntry.Happened h = new CodedEntry.Happened("sms:1", kind, "9990001234", LocalDate.of(2026, 12, 1), "P84001");
        assertThat(CodedEntry.fate(h, programme, CODES, includeUnverified)).isEqualTo(fate);
        assertThat(CodedEntry.of(h, programme, CODES, includeUnverified).map(CodedEntry::snomedCode).orElse(null))
                .isEqualTo(code);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "-", value = {
            "CALLED,             REPLY_CALLED",
            "NO_ANSWER,          REPLY_NO_ANSWER",
            "BOOKED_TEST,        REPLY_BOOKED_TEST",
            "NOT_INTERESTED,     REPLY_NOT_INTERESTED",
            "ALREADY_SCREENED,   REPLY_SCREENED_ELSEWHERE",
            // a wrong number is about the number, not the patient: nothing for the record
            "WRONG_NUMBER,       -",
            // coded once, from the ledger entry the confirm made
            "OPTED_OUT,          -",
            // no such outcome (an earlier name for ALREADY_SCREENED)
            "SCREENED_ELSEWHERE, -",
    })
    void inboxOutcomesMapToEntries(String outcome, EntryKind kind) {
        assertThat(EntryKind.ofReplyOutcome(outcome)).isEqualTo(kind);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "-", value = {
            // call/CallTasks.Outcome: each shares the reply kind of the same meaning, so one row codes both
            "BOOKED,             REPLY_BOOKED_TEST",
            "DECLINED,           REPLY_NOT_INTERESTED",
            "NO_ANSWER,          REPLY_NO_ANSWER",
            "ALREADY_SCREENED,   REPLY_SCREENED_ELSEWHERE",
            // about the number, not the patient: nothing for the record
            "WRONG_NUMBER,       -",
    })
    void callOutcomesMapToEntries(String outcome, EntryKind kind) {
        assertThat(EntryKind.ofCallOutcome(outcome)).isEqualTo(kind);
        // The codes page says so of exactly the kinds a call outcome is coded as.
        if (kind != null) {
            assertThat(kind.alsoACall()).isNotBlank();
        }
    }

    @org.junit.jupiter.api.Test
    void onlyTheKindsACallIsCodedAsSayTheyCodeACall() {
        java.util.Set<EntryKind> ofCalls = java.util.stream.Stream.of("BOOKED", "DECLINED", "NO_ANSWER", "WRONG_NUMBER",
                "ALREADY_SCREENED").map(EntryKind::ofCallOutcome).filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet());
        for (EntryKind kind : EntryKind.values()) {
            assertThat(kind.alsoACall() != null).as(kind.name()).isEqualTo(ofCalls.contains(kind));
        }
    }
}
