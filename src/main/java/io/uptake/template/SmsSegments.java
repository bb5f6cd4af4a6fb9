package io.uptake.template;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Counts how an SMS will be billed: GSM-7 when every character is in the GSM 03.38 default alphabet or
 * its extension table (whose characters take two septets), otherwise UCS-2. One segment holds 160 septets
 * (70 UTF-16 units); a concatenated message's segments hold 153 (67) because of the header, and a
 * two-septet character or a surrogate pair is never split across two segments, so it moves whole to the
 * next one. Hand-written: no maintained Java library on Maven Central does this counting.
 */
public final class SmsSegments {
    public static final String GSM7 = "GSM-7";
    public static final String UCS2 = "UCS-2";

    /** GSM 03.38 default alphabet (the escape 0x1B is not a character of its own). */
    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** The extension table: each is sent as escape + character, so counts two. */
    private static final String EXTENSION = "^{}\\[~]|€\f";
    /** Septets per UTF-16 unit, by char: 0 = not GSM-7 (a lookup, since every text is counted as it is sent). */
    private static final byte[] SEPTETS = new byte[Character.MAX_VALUE + 1];

    static {
        BASIC.chars().forEach(c -> SEPTETS[c] = 1);
        EXTENSION.chars().forEach(c -> SEPTETS[c] = 2);
    }

    private SmsSegments() {
    }

    @Serdeable
    public record Count(String encoding, int characters, int segments) {
    }

    /** {@code characters} is septets for GSM-7 and UTF-16 code units for UCS-2: what the limits count. */
    public static Count count(String text) {
        boolean gsm = text.chars().allMatch(c -> SEPTETS[c] != 0);
        int[] units = gsm
                ? text.chars().map(c -> SEPTETS[c]).toArray()
                : text.codePoints().map(Character::charCount).toArray();
        int single = gsm ? 160 : 70;
        int part = gsm ? 153 : 67;
        int total = 0;
        for (int u : units) {
            total += u;
        }
        if (total == 0) {
            return new Count(gsm ? GSM7 : UCS2, 0, 0);
        }
        if (total <= single) {
            return new Count(gsm ? GSM7 : UCS2, total, 1);
        }
        int segments = 1;
        int used = 0;
        for (int u : units) {
            if (used + u > part) {
                segments++;
                used = 0;
            }
            used += u;
        }
        return new Count(gsm ? GSM7 : UCS2, total, segments);
    }
}
