package io.uptake.gprecord;

/**
 * What Uptake did or heard that belongs in the patient's GP record. Each kind is coded through the versioned
 * code file ({@code codelists/gp-record-codes-v1.csv}); the inbox outcomes map one to one onto reply kinds.
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
}
