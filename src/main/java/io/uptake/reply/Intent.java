package io.uptake.reply;

/**
 * What a reply asks for. FREE_TEXT is anything that is not exactly one keyword: a human reads it. CHOICE is a
 * numbered choice other than 1 (which is a CALL_REQUEST), coded by {@link ChoiceReader} (issue 15).
 */
public enum Intent {
    OPT_OUT, OPT_IN, CALL_REQUEST, HELP, FREE_TEXT, CHOICE;

    /** Whether the CCC must act on it: read free text, call back a call request. */
    boolean needsPerson() {
        return this == FREE_TEXT || this == CALL_REQUEST;
    }
}
