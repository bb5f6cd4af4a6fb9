package io.uptake.reply;

/** The shared answers we send back as the TwiML message. */
enum AutoReply {
    OPT_OUT_CONFIRMATION, OPT_IN_CONFIRMATION, HELP, CALL_BACK, ACKNOWLEDGEMENT,
    /**
     * A call request from a number no PCN's records hold: no CCC will see it, so nothing may promise a call. The
     * request still waits in the ADMIN's unmatched queue (home page) for someone to trace it.
     */
    UNMATCHED_CALL_REQUEST;

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
            case FREE_TEXT -> ACKNOWLEDGEMENT;
        };
    }
}
