package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;

/**
 * A numbered choice a programme's texts may offer (issue 15; templates/&lt;programme&gt;.properties {@code choices=}).
 * A number means the same choice in every programme and language, so a "4" can never be coded as two things.
 * What each does with the reply is decided here, once:
 * <ul>
 *   <li>1, call me: the call request it has always been (CALL or 1), open in the inbox for a CCC to call;</li>
 *   <li>2, already done: done on arrival with the outcome ALREADY_SCREENED (nothing for a CCC to do; the result
 *       comes from the lab);</li>
 *   <li>3, send me a new kit: open, its outcome NEW_KIT already set, because someone must order the kit;</li>
 *   <li>4, not for me: an informed decline, done on arrival with the outcome NOT_INTERESTED. <b>Not an
 *       opt-out</b>: the patient is still texted by other campaigns unless they say STOP.</li>
 * </ul>
 */
enum ReplyChoice {
    CALL_ME(1, "callMe", null, true, AutoReply.CALL_BACK),
    ALREADY_DONE(2, "alreadyDone", Inbox.Outcome.ALREADY_SCREENED, false, AutoReply.CHOICE_ALREADY_DONE),
    NEW_KIT(3, "newKit", Inbox.Outcome.NEW_KIT, true, AutoReply.CHOICE_NEW_KIT),
    NOT_FOR_ME(4, "notForMe", Inbox.Outcome.NOT_INTERESTED, false, AutoReply.CHOICE_NOT_FOR_ME);

    private final int number;
    private final String templateName;
    private final Inbox.@Nullable Outcome outcome;
    private final boolean open;
    private final AutoReply answer;

    ReplyChoice(int number, String templateName, Inbox.@Nullable Outcome outcome, boolean open, AutoReply answer) {
        this.number = number;
        this.templateName = templateName;
        this.outcome = outcome;
        this.open = open;
        this.answer = answer;
    }

    int number() {
        return number;
    }

    /** The name in the template files ("notForMe"). */
    String templateName() {
        return templateName;
    }

    /** The inbox item's outcome, set on arrival; null for a call request, whose outcome is the call's. */
    Inbox.@Nullable Outcome outcome() {
        return outcome;
    }

    /** Whether a CCC still has something to do (call, order a kit): the item is OPEN, else DONE on arrival. */
    boolean open() {
        return open;
    }

    AutoReply answer() {
        return answer;
    }

    static @Nullable ReplyChoice ofTemplateName(String name) {
        for (ReplyChoice c : values()) {
            if (c.templateName.equals(name)) {
                return c;
            }
        }
        return null;
    }

    static @Nullable ReplyChoice ofNumber(int number) {
        for (ReplyChoice c : values()) {
            if (c.number == number) {
                return c;
            }
        }
        return null;
    }
}
