package io.uptake.reply;

/** The shared answers we send back as the TwiML message. */
enum AutoReply {
    OPT_OUT_CONFIRMATION, OPT_IN_CONFIRMATION, HELP, CALL_BACK, ACKNOWLEDGEMENT;

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
