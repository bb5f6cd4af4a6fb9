package io.uptake.reply;

/** The shared answers we send back as the TwiML message. */
enum AutoReply {
    OPT_OUT_CONFIRMATION, OPT_IN_CONFIRMATION, HELP, CALL_BACK, ACKNOWLEDGEMENT,
    /**
     * A call request from a number no PCN's records hold: no CCC will see it, so nothing may promise a call. The
     * request still waits in the ADMIN's unmatched queue (home page) for someone to trace it.
     */
    UNMATCHED_CALL_REQUEST,
    /** The answers to numbered choices 2 to 4 ({@link ReplyChoice}). */
    CHOICE_ALREADY_DONE, CHOICE_NEW_KIT, CHOICE_NOT_FOR_ME;

    /** What to answer, given whether the sender was matched to a PCN (only a matched request reaches a CCC). */
    static AutoReply answering(Intent intent, boolean matchedToPcn) {
        AutoReply kind = answering(intent);
        return kind == CALL_BACK && !matchedToPcn ? UNMATCHED_CALL_REQUEST : kind;
    }

    static AutoReply answering(Intent intent) {
        return switch (intent) {
            case OPT_OUT -> OPT_OUT_CONFIRMATION;
            case OPT_IN -> OPT_IN_CONFIRMATION;
            case HELP -> HELP;
            case CALL_REQUEST -> CALL_BACK;
            // A choice is answered by its own reply (ReplyChoice.answer); this is only the fallback.
            case FREE_TEXT, CHOICE -> ACKNOWLEDGEMENT;
        };
    }
}
