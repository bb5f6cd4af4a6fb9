package io.uptake.template;

/**
 * Keeps left-to-right runs (phone numbers, NHS numbers, links, digit groups, Latin-script names) in their own
 * order inside a right-to-left text, with the two oldest direction marks, which every handset that lays out
 * Arabic script honours (docs/adr/0020-rtl-texts-direction-marks.md says why marks and not isolates):
 * <ul>
 *   <li>the text starts with RLM, so a handset that takes the direction from the first strong character (every
 *   one does, and so does a browser's {@code dir="auto"}) lays it out right to left even when it starts with a
 *   Latin given name;</li>
 *   <li>a run is wrapped as LRM run RLM: the LRM makes the run's digits left-to-right (UAX #9 rule W7: a digit
 *   after a strong L is L), so "0161 496 0000" is no longer three number groups laid out right to left; the RLM
 *   after it gives the neutrals that follow (a full stop, a space before the next run) the text's direction,
 *   so two runs separated by punctuation stay in the text's order instead of merging into one.</li>
 * </ul>
 * Merged values (given name, practice name and phone, booking link) are wrapped whenever they hold a Latin
 * letter or a digit; in the template's own words only runs that the algorithm would otherwise break up are
 * wrapped (a digit together with anything else: "0161 496 0000", "45 years"), so a lone "STOP" or "FIT" costs
 * nothing. Each mark is one UTF-16 unit and counts toward the segments like any character (right-to-left texts
 * are UCS-2 already).
 */
public final class BidiMarks {
    public static final char LRM = '\u200E';
    public static final char RLM = '\u200F';
    /** Private-use characters bracketing a merged value between formatting and {@link #mark}; never sent. */
    static final char VALUE_START = '\uE000';
    static final char VALUE_END = '\uE001';

    private BidiMarks() {
    }

    /** {@code value} bracketed for {@link #mark} (private-use brackets in the value itself are dropped). */
    static String bracket(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return VALUE_START + value.replace(String.valueOf(VALUE_START), "").replace(String.valueOf(VALUE_END), "")
                + VALUE_END;
    }

    /** Removes the brackets of {@link #bracket} (for a left-to-right text, which needs no marks). */
    static String unbracket(String text) {
        return text.replace(String.valueOf(VALUE_START), "").replace(String.valueOf(VALUE_END), "");
    }

    /**
     * The right-to-left text {@code text} (merged values bracketed by {@link #bracket}) with its marks: RLM first,
     * each bracketed value holding a Latin letter or a digit as LRM value RLM, and each run in the template's own
     * words that needs it likewise.
     */
    static String mark(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        out.append(RLM);
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == VALUE_START) {
                int end = text.indexOf(VALUE_END, i + 1);
                if (end < 0) {
                    end = text.length();
                }
                out.append(markLiteral(literal.toString()));
                literal.setLength(0);
                String value = text.substring(i + 1, end);
                out.append(hasLeftToRight(value) ? LRM + value + RLM : value);
                i = end + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        out.append(markLiteral(literal.toString()));
        return out.toString();
    }

    /**
     * Wraps each left-to-right run of the template's own words that holds a digit and anything else. A run
     * starts at a Latin letter or digit and extends over letters, digits and the neutrals between them (spaces,
     * punctuation), ending at its last letter or digit: "0161 496 0000" and "NHS 111" are one run each.
     */
    static String markLiteral(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!startsRun(cp)) {
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
                continue;
            }
            int runEnd = i; // exclusive end of the run: after its last letter or digit
            int j = i;
            while (j < s.length()) {
                int c = s.codePointAt(j);
                if (startsRun(c)) {
                    j += Character.charCount(c);
                    runEnd = j;
                } else if (neutral(c)) {
                    j += Character.charCount(c);
                } else {
                    break;
                }
            }
            String run = s.substring(i, runEnd);
            out.append(needsMarks(run) ? LRM + run + RLM : run);
            i = runEnd;
        }
        return out.toString();
    }

    private static boolean needsMarks(String run) {
        boolean digit = false;
        boolean other = false;
        for (int k = 0; k < run.length(); k++) {
            byte d = Character.getDirectionality(run.charAt(k));
            if (d == Character.DIRECTIONALITY_EUROPEAN_NUMBER) {
                digit = true;
            } else {
                other = true;
            }
        }
        return digit && other;
    }

    /** A code point that starts a left-to-right run in a right-to-left text (BidiCheck reads runs the same way). */
    static boolean startsRun(int cp) {
        byte d = Character.getDirectionality(cp);
        return d == Character.DIRECTIONALITY_LEFT_TO_RIGHT || d == Character.DIRECTIONALITY_EUROPEAN_NUMBER;
    }

    /** A code point that joins a left-to-right run without starting one (spaces, separators). */
    static boolean neutral(int cp) {
        byte d = Character.getDirectionality(cp);
        return d == Character.DIRECTIONALITY_WHITESPACE || d == Character.DIRECTIONALITY_OTHER_NEUTRALS
                || d == Character.DIRECTIONALITY_COMMON_NUMBER_SEPARATOR
                || d == Character.DIRECTIONALITY_EUROPEAN_NUMBER_SEPARATOR
                || d == Character.DIRECTIONALITY_EUROPEAN_NUMBER_TERMINATOR;
    }

    static boolean hasLeftToRight(String value) {
        return value.codePoints().anyMatch(BidiMarks::startsRun);
    }
}
