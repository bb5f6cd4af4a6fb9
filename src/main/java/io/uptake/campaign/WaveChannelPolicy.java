package io.uptake.campaign;

/**
 * Which channel a patient gets in a wave, from the wave's channel and what their record allows, as a pure rule
 * (no database): the launch applies it to each kind of patient (arm, mobile, address), so that what the review
 * page says and what the launch writes are the same rule. Whether a call is still needed when the wave falls due
 * (converted, opted out, deceased) is decided then, by the call list.
 */
public final class WaveChannelPolicy {
    private WaveChannelPolicy() {
    }

    /** Reason codes, stored with the letter or call that is not made, and shown to the CCC. */
    public static final String CONTROL = "control-arm";
    public static final String NO_ADDRESS = "no-address";
    public static final String TEXT_ONLY_NO_MOBILE = "text-only-wave-no-mobile";
    public static final String CALL_NO_PHONE = "call-wave-no-phone";
    /**
     * Why a reminder text is cancelled when the patient's earlier text failed permanently (SendEligibility); in an
     * AUTO wave that reminder goes by letter instead (letter/LetterFallbacks), so both read this one constant.
     */
    public static final String EARLIER_TEXT_FAILED = "earlier message failed permanently";

    /**
     * What the rule looks at. {@code control}: held back (the texts' control arm, or the letters' own); a patient
     * with a mobile is a recipient of the texts, one without is reachable only by post; {@code hasTelephone}: a
     * number to call besides the mobile (the import's telephone column, or a landline exported as the mobile).
     */
    public record Patient(boolean control, boolean hasMobile, boolean hasAddress, boolean hasTelephone) {
        /** A patient whose record has no telephone besides any mobile. */
        public Patient(boolean control, boolean hasMobile, boolean hasAddress) {
            this(control, hasMobile, hasAddress, false);
        }
    }

    /** The channel, or none with the reason. */
    public record Reach(Channel channel, String reason) {
        static Reach by(Channel c) {
            return new Reach(c, null);
        }

        static Reach none(String reason) {
            return new Reach(null, reason);
        }

        public boolean reached() {
            return channel != null;
        }
    }

    public static Reach reach(WaveChannel wave, Patient p) {
        if (p.control()) {
            return Reach.none(CONTROL);
        }
        return switch (wave) {
            case AUTO -> p.hasMobile() ? Reach.by(Channel.SMS)
                    : p.hasAddress() ? Reach.by(Channel.LETTER) : Reach.none(NO_ADDRESS);
            case SMS -> p.hasMobile() ? Reach.by(Channel.SMS) : Reach.none(TEXT_ONLY_NO_MOBILE);
            case LETTER -> p.hasAddress() ? Reach.by(Channel.LETTER) : Reach.none(NO_ADDRESS);
            // A recipient is called on the number texted; a patient written to, on their telephone.
            case CALL -> p.hasMobile() || p.hasTelephone() ? Reach.by(Channel.CALL) : Reach.none(CALL_NO_PHONE);
        };
    }
}
