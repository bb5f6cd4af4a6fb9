package io.uptake.campaign;

import java.util.Locale;
import java.util.Optional;

/**
 * The channel a campaign's wave names (issue 14). AUTO is what every wave did before waves named one: a text to
 * those with a usable mobile, a letter to the others.
 */
public enum WaveChannel {
    AUTO, SMS, LETTER, CALL;

    /** The channel a campaign request names, in any case; empty when it is not one of the four. */
    static Optional<WaveChannel> parse(String given) {
        if (given == null) {
            return Optional.of(AUTO);
        }
        String u = given.strip().toUpperCase(Locale.ROOT);
        for (WaveChannel c : values()) {
            if (c.name().equals(u)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** In people's words, for the review and campaign pages. */
    public String label() {
        return switch (this) {
            case AUTO -> "Text, or letter if no mobile";
            case SMS -> "Text only";
            case LETTER -> "Letter";
            case CALL -> "Call list";
        };
    }
}
