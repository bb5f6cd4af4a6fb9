package io.uptake.template;

/** The shared replies, rendered in the patient's language; the key is the one in templates/replies.properties. */
public enum Reply {
    OPT_OUT_CONFIRMATION("optOutConfirmation"),
    OPT_IN_CONFIRMATION("optInConfirmation"),
    HELP("help"),
    CALL_BACK("callBack"),
    UNKNOWN_REPLY("unknownReply"),
    /** The answers to numbered choices 2 to 4 (issue 15); choice 1, a call request, is answered with CALL_BACK. */
    CHOICE_ALREADY_DONE("choiceAlreadyDone"),
    CHOICE_NEW_KIT("choiceNewKit"),
    CHOICE_NOT_FOR_ME("choiceNotForMe");

    private final String key;

    Reply(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
