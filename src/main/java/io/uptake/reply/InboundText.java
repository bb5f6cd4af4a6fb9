package io.uptake.reply;

/**
 * Text from an inbound webhook made storable as PostgreSQL TEXT, which refuses NUL and cannot hold a lone
 * surrogate (the driver would silently turn it into '?'). Each such character becomes U+FFFD, the Unicode
 * replacement character: the CCC sees that something unreadable was there, keyword matching treats it as
 * trailing punctuation ("STOP" + NUL still opts out), and the exact bytes stay in inbound_raw.
 */
final class InboundText {
    static final char REPLACEMENT = '\uFFFD';

    private InboundText() {
    }

    static String storable(String text) {
        if (text == null || isStorable(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static boolean isStorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
