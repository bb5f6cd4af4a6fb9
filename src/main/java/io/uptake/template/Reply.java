package io.uptake.template;

/** The shared replies, rendered in the patient's language; the key is the one in templates/replies.properties. */
public enum Reply {
    OPT_OUT_CONFIRMATION("optOutConfirmation"),
    OPT_IN_CONFIRMATION("optInConfirmation"),
    HELP("help"),
    CALL_BACK("callBack"),
    UNKNOWN_REPLY("unknownReply");

    private final String key;

    Reply(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
