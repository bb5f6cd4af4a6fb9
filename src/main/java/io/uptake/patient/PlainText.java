package io.uptake.patient;

/**
 * Text from a GP export made safe to store, show and merge into a patient's text message. Control characters
 * (C0, DEL, C1: an ESC or BEL in a name) become spaces, and the invisible characters that steer bidirectional
 * layout (U+202A to U+202E embeddings and overrides, U+2066 to U+2069 isolates, U+200E/U+200F/U+061C marks) are
 * removed: a value must never reorder the text it is merged into (a U+202E in a name reversed the practice phone
 * number after it). Templates add their own isolation around merged values; none may come from the data.
 */
public final class PlainText {
    private PlainText() {
    }

    /** {@code raw} with those characters replaced or removed, then trimmed; the same string when there were none. */
    public static String clean(String raw) {
        if (raw == null) {
            return null;
        }
        int first = firstUnsafe(raw);
        if (first < 0) {
            return raw.trim();
        }
        StringBuilder out = new StringBuilder(raw.length());
        out.append(raw, 0, first);
        for (int i = first; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (isBidiControl(c)) {
                continue;
            }
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString().trim();
    }

    private static int firstUnsafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || isBidiControl(c)) {
                return i;
            }
        }
        return -1;
    }

    static boolean isBidiControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }
}
