package io.uptake.optout;

import java.util.List;
import java.util.stream.Stream;

/**
 * The truth table of docs/replies.md ("Who is opted out"), row for row: what happened, oldest first, and who may
 * then be texted. {@link OptOutRuleTest} plays each row through the pure rule, {@link OptOutRuleDatabaseTest}
 * through the real service (webhook, patient API, import) and its SQL views. Keep the three the same.
 */
final class OptOutTable {
    private OptOutTable() {
    }

    /** Who is on the mobile M when the row starts. */
    enum Household {
        /** A alone has M. */
        ALONE,
        /** A and B (a family member) both have M on their records. */
        SHARED,
        /** No patient has M (A has another mobile): M texts us as an unknown number. */
        NOBODY
    }

    enum Step {
        CCC_OPT_OUT("a CCC records A's opt-out"),
        CCC_OPT_IN("a CCC records A's opt-in"),
        IMPORTED_DISSENT("A's dissent is imported (SMS_OPT_OUT event)"),
        STOP("STOP from M"),
        START("START from M"),
        CARRIER_BLOCK("Twilio refuses a text to M with 21610"),
        A_MOVES("A's mobile on record changes from M to another"),
        B_MOVES("B's mobile on record changes from M to another"),
        A_GETS_M("A's mobile on record becomes M");

        final String words;

        Step(String words) {
            this.words = words;
        }
    }

    /**
     * @param b null where B is not on M (B is then never affected, and not part of the row)
     * @param m whether M itself is opted out (number-level): not texted for anyone
     */
    record Row(int number, Household household, List<Step> steps, boolean a, Boolean b, boolean m, String why) {
        @Override
        public String toString() {
            return "#" + number + " " + household + ": " + String.join(", ", steps.stream().map(s -> s.words).toList())
                    + " -> A " + (a ? "out" : "in") + (b == null ? "" : ", B " + (b ? "out" : "in"))
                    + ", M " + (m ? "out" : "in");
        }
    }

    private static Row row(int n, Household h, List<Step> steps, boolean a, Boolean b, boolean m, String why) {
        return new Row(n, h, steps, a, b, m, why);
    }

    static Stream<Row> rows() {
        Household ALONE = Household.ALONE, SHARED = Household.SHARED, NOBODY = Household.NOBODY;
        Step CCC_OUT = Step.CCC_OPT_OUT, CCC_IN = Step.CCC_OPT_IN, IMPORTED = Step.IMPORTED_DISSENT,
                STOP = Step.STOP, START = Step.START, BLOCK = Step.CARRIER_BLOCK;
        return Stream.of(
                row(1, ALONE, List.of(), false, null, false, "nothing recorded"),
                row(2, ALONE, List.of(CCC_OUT), true, null, false, "a CCC's record is patient-level"),
                row(3, SHARED, List.of(CCC_OUT), true, false, false, "for A only: B has not spoken"),
                row(4, SHARED, List.of(CCC_OUT, START), true, false, false,
                        "the issue: a START from the family mobile does not undo A's objection"),
                row(5, ALONE, List.of(CCC_OUT, START), true, null, false,
                        "not even from A's own number: only a CCC undoes a CCC's record"),
                row(6, ALONE, List.of(CCC_OUT, CCC_IN), false, null, false, "a CCC's opt-in undoes it"),
                row(7, ALONE, List.of(CCC_IN, CCC_OUT), true, null, false, "the latest patient-level entry decides"),
                row(8, SHARED, List.of(STOP), true, true, true,
                        "the handset asked: no texts to M, for anyone on it"),
                row(9, SHARED, List.of(STOP, START), false, false, false, "a START undoes the number's STOP"),
                row(10, SHARED, List.of(CCC_OUT, STOP, START), true, false, false,
                        "the START undoes the STOP, not A's objection"),
                row(11, SHARED, List.of(STOP, CCC_IN), true, true, true,
                        "a CCC's opt-in does not free a number that texted STOP"),
                row(12, SHARED, List.of(STOP, Step.B_MOVES), true, false, true,
                        "B never objected: B's new number may be texted"),
                row(13, SHARED, List.of(STOP, Step.A_MOVES), false, true, true,
                        "a STOP from a shared number is the number's, not A's"),
                row(14, ALONE, List.of(STOP), true, null, true, "A's own STOP: A and M"),
                row(15, ALONE, List.of(STOP, START), true, null, false,
                        "A's own START frees M; A's own objection waits for a CCC (the START goes to the inbox)"),
                row(16, ALONE, List.of(STOP, START, CCC_IN), false, null, false, "both undone"),
                row(17, ALONE, List.of(STOP, CCC_IN), true, null, true, "M still texted STOP"),
                row(18, ALONE, List.of(STOP, CCC_IN, START), false, null, false, "both undone, in the other order"),
                row(19, ALONE, List.of(STOP, Step.A_MOVES), true, null, true, "A's own STOP follows A"),
                row(20, ALONE, List.of(BLOCK), true, null, true, "21610: the carrier blocks M"),
                row(21, ALONE, List.of(BLOCK, START), false, null, false, "a START lifts the carrier's block"),
                row(22, ALONE, List.of(BLOCK, Step.A_MOVES), false, null, true, "21610 is about M, not A"),
                row(23, SHARED, List.of(BLOCK), true, true, true, "everyone on M"),
                row(24, ALONE, List.of(IMPORTED), true, null, false, "an imported dissent is patient-level"),
                row(25, ALONE, List.of(IMPORTED, START), true, null, false, "a START does not undo it"),
                row(26, ALONE, List.of(IMPORTED, CCC_IN), false, null, false, "a CCC's opt-in does"),
                row(27, NOBODY, List.of(STOP, Step.A_GETS_M), true, null, true,
                        "an unknown number's STOP holds for whoever has M later"),
                row(28, NOBODY, List.of(STOP, START, Step.A_GETS_M), false, null, false, "unless M texted START"),
                row(29, ALONE, List.of(START), false, null, false, "a START alone changes nothing"),
                row(30, ALONE, List.of(CCC_OUT, Step.A_MOVES), true, null, false, "a CCC's record follows A"),
                row(31, SHARED, List.of(START, STOP), true, true, true, "the latest number-level entry decides"),
                row(32, SHARED, List.of(CCC_OUT, STOP, START, CCC_IN), false, false, false, "all undone"));
    }
}
