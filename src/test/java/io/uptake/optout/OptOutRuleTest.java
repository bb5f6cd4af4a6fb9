package io.uptake.optout;

import io.uptake.optout.OptOutLedger.Action;
import io.uptake.optout.OptOutLedger.Source;
import io.uptake.optout.OptOutRule.Entry;
import io.uptake.optout.OptOutRule.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rule alone, without a database: every row of the truth table, and which levels each request writes. */
class OptOutRuleTest {
    static final long A = 1, B = 2;
    static final String M = "+447700900100";

    static Stream<OptOutTable.Row> table() {
        return OptOutTable.rows();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void everyRowOfTheTruthTable(OptOutTable.Row row) {
        Household h = new Household(row.household());
        for (OptOutTable.Step step : row.steps()) {
            h.apply(step);
        }
        assertThat(OptOutRule.optedOut(A, h.mobileOfA, h.ledger)).as("A: " + row.why()).isEqualTo(row.a());
        if (row.b() != null) {
            assertThat(OptOutRule.optedOut(B, h.mobileOfB, h.ledger)).as("B: " + row.why()).isEqualTo(row.b());
        }
        assertThat(OptOutRule.numberOptedOut(M, h.ledger)).as("M: " + row.why()).isEqualTo(row.m());
    }

    /** The entries the service would write, with the sender count the reply matcher would make. */
    static final class Household {
        final List<Entry> ledger = new ArrayList<>();
        String mobileOfA;
        String mobileOfB;

        Household(OptOutTable.Household kind) {
            mobileOfA = kind == OptOutTable.Household.NOBODY ? "+447700900101" : M;
            mobileOfB = kind == OptOutTable.Household.SHARED ? M : "+447700900102";
        }

        void apply(OptOutTable.Step step) {
            switch (step) {
                case CCC_OPT_OUT -> patient(Action.OPT_OUT, Source.CCC);
                case CCC_OPT_IN -> patient(Action.OPT_IN, Source.CCC);
                case IMPORTED_DISSENT -> patient(Action.OPT_OUT, Source.IMPORTED);
                case STOP -> number(Action.OPT_OUT, Source.REPLY);
                case START -> number(Action.OPT_IN, Source.REPLY);
                case CARRIER_BLOCK -> number(Action.OPT_OUT, Source.TWILIO_21610);
                case A_MOVES -> mobileOfA = "+447700900103";
                case B_MOVES -> mobileOfB = "+447700900104";
                case A_GETS_M -> mobileOfA = M;
            }
        }

        private void patient(Action action, Source source) {
            assertThat(OptOutRule.levels(source, action, 1)).containsExactly(Level.PATIENT);
            ledger.add(new Entry(Level.PATIENT, action, A, null));
        }

        private void number(Action action, Source source) {
            List<Long> onM = new ArrayList<>();
            if (M.equals(mobileOfA)) {
                onM.add(A);
            }
            if (M.equals(mobileOfB)) {
                onM.add(B);
            }
            for (Level level : OptOutRule.levels(source, action, onM.size())) {
                ledger.add(level == Level.NUMBER ? new Entry(level, action, onM.isEmpty() ? null : onM.get(0), M)
                        : new Entry(level, action, onM.get(0), null));
            }
        }
    }

    @Test
    void aStopIsTheNumbersAndAlsoThePatientsOwnOnlyWhenNoOneElseCanBeOnTheNumber() {
        assertThat(OptOutRule.levels(Source.REPLY, Action.OPT_OUT, 1)).containsExactly(Level.NUMBER, Level.PATIENT);
        assertThat(OptOutRule.levels(Source.REPLY, Action.OPT_OUT, 2)).containsExactly(Level.NUMBER);
        assertThat(OptOutRule.levels(Source.REPLY, Action.OPT_OUT, 0)).as("an unknown number").containsExactly(Level.NUMBER);
    }

    @Test
    void aStartIsTheNumbersOnlyEvenFromAnUnsharedNumber() {
        assertThat(OptOutRule.levels(Source.REPLY, Action.OPT_IN, 1)).containsExactly(Level.NUMBER);
        assertThat(OptOutRule.levels(Source.REPLY, Action.OPT_IN, 3)).containsExactly(Level.NUMBER);
    }

    @Test
    void cccsAndImportsSpeakForThePatientAndTheCarrierForTheNumber() {
        assertThat(OptOutRule.levels(Source.CCC, Action.OPT_IN, 2)).containsExactly(Level.PATIENT);
        assertThat(OptOutRule.levels(Source.CCC_PHONE, Action.OPT_OUT, 0)).containsExactly(Level.PATIENT);
        assertThat(OptOutRule.levels(Source.IMPORTED, Action.OPT_OUT, 1)).containsExactly(Level.PATIENT);
        assertThat(OptOutRule.levels(Source.TWILIO_21610, Action.OPT_OUT, 1)).containsExactly(Level.NUMBER);
        assertThatThrownBy(() -> OptOutRule.levels(Source.IMPORTED, Action.OPT_IN, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OptOutRule.levels(Source.TWILIO_21610, Action.OPT_IN, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entriesOfOneLevelNeverUndoTheOther() {
        List<Entry> ledger = List.of(new Entry(Level.PATIENT, Action.OPT_OUT, A, null),
                new Entry(Level.NUMBER, Action.OPT_IN, A, M));
        assertThat(OptOutRule.patientObjects(A, ledger)).isTrue();
        List<Entry> other = List.of(new Entry(Level.NUMBER, Action.OPT_OUT, A, M),
                new Entry(Level.PATIENT, Action.OPT_IN, A, null));
        assertThat(OptOutRule.numberOptedOut(M, other)).isTrue();
        assertThat(OptOutRule.optedOut(A, M, other)).isTrue();
        assertThat(OptOutRule.optedOut(A, null, other)).as("no mobile on record: only their own entries").isFalse();
    }

    @Test
    void anEntryOfTheWrongShapeIsRefused() {
        assertThatThrownBy(() -> new Entry(Level.PATIENT, Action.OPT_OUT, A, M)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Entry(Level.PATIENT, Action.OPT_OUT, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Entry(Level.NUMBER, Action.OPT_OUT, A, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
