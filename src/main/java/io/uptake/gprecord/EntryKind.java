package io.uptake.gprecord;

/**
 * What Uptake did or heard that belongs in the patient's GP record. Each kind is coded through the versioned
 * code file ({@code codelists/gp-record-codes-v3.csv}); the inbox outcomes map one to one onto reply kinds, and
 * the call list's outcomes onto the reply kinds of the same meaning ({@link #ofCallOutcome}).
 */
enum EntryKind {
    TEXT_SENT,
    LETTER_SENT,
    OPT_OUT,
    OPT_IN,
    REPLY_CALLED,
    REPLY_NO_ANSWER,
    REPLY_BOOKED_TEST,
    REPLY_NOT_INTERESTED,
    REPLY_SCREENED_ELSEWHERE,
    /** A new screening kit asked for: a numbered reply's choice 3, or a CCC's outcome (issue 15). */
    REPLY_NEW_KIT;

    /**
     * The kind for an inbox item's outcome (reply/Inbox.Outcome); null for an outcome that is not the patient's
     * clinical business (a wrong number says something of the number, not of the patient), and for OPTED_OUT, which
     * is coded once from the opt-out ledger entry the confirm made, not a second time from the item.
     */
    static EntryKind ofReplyOutcome(String outcome) {
        return switch (outcome) {
            case "CALLED" -> REPLY_CALLED;
            case "NO_ANSWER" -> REPLY_NO_ANSWER;
            case "BOOKED_TEST" -> REPLY_BOOKED_TEST;
            case "NOT_INTERESTED" -> REPLY_NOT_INTERESTED;
            case "ALREADY_SCREENED" -> REPLY_SCREENED_ELSEWHERE;
            case "NEW_KIT" -> REPLY_NEW_KIT;
            default -> null;
        };
    }

    /**
     * The kind for a call-list outcome (call/CallTasks.Outcome, table {@code call_attempt}); null for one that is
     * not the patient's clinical business.
     * <p>
     * A call outcome shares the reply kind of the same meaning, not a {@code CALL_*} kind of its own: what goes in
     * the record is the fact (a test booked, screening declined, a call not answered, screened elsewhere), not the
     * screen a CCC recorded it on, so one row of the code file codes it wherever it was heard, and confirming a
     * code (a new version of the file) can never leave the same fact coded two ways. The entry's key ({@code
     * call:<attempt id>}) still says where it came from.
     * <ul>
     *   <li>BOOKED: the call booked the test, as a CCC's "booked a test" for a reply;</li>
     *   <li>DECLINED: the programme's declined concept, as "not interested" (an informed decline, never an
     *       opt-out: that is the opt-out ledger's, coded from there);</li>
     *   <li>NO_ANSWER: "telephone call to patient - no answer", once a day per task (see CodedEntries);</li>
     *   <li>ALREADY_SCREENED: screened elsewhere;</li>
     *   <li>WRONG_NUMBER: none, for the reason a reply's wrong number has none: it says something of the number,
     *       not of the patient, and the practice fixes a number in the demographics, not with a code.</li>
     * </ul>
     */
    static EntryKind ofCallOutcome(String outcome) {
        return switch (outcome) {
            case "BOOKED" -> REPLY_BOOKED_TEST;
            case "DECLINED" -> REPLY_NOT_INTERESTED;
            case "NO_ANSWER" -> REPLY_NO_ANSWER;
            case "ALREADY_SCREENED" -> REPLY_SCREENED_ELSEWHERE;
            default -> null;
        };
    }

    /** The call-list outcome coded as this kind too, in people's words, for the codes page; null when none is. */
    String alsoACall() {
        return switch (this) {
            case REPLY_BOOKED_TEST -> "a call that booked the test";
            case REPLY_NOT_INTERESTED -> "a call the patient declined";
            case REPLY_NO_ANSWER -> "a call not answered";
            case REPLY_SCREENED_ELSEWHERE -> "a call: already screened elsewhere";
            default -> null;
        };
    }
}
