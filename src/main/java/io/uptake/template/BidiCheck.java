package io.uptake.template;

import com.ibm.icu.text.Bidi;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a right-to-left text a PCN wrote reads as it should on a handset: laid out by ICU's implementation of the
 * Unicode bidi algorithm with the direction taken from the text (as a handset and {@code dir="auto"} do), after
 * {@link BidiMarks} has added its marks, every merged value and every left-to-right run of the PCN's own words
 * (a phone number, "NHS App", "45 years") must read in its own order, and the text right to left. A safety net
 * behind the marks (docs/adr/0020-rtl-texts-direction-marks.md), with the one case the marks do not handle
 * refused outright: groups of Arabic-Indic digits separated by spaces.
 */
final class BidiCheck {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]*}");
    private static final Pattern INDIC_DIGIT_GROUPS =
            Pattern.compile("[\\u0660-\\u0669\\u06F0-\\u06F9]+[\\s.\\-]+[\\u0660-\\u0669\\u06F0-\\u06F9]+");

    static final String WRONG_ORDER = "A phone would show \"";
    static final String DIRECTION = "A phone would show this text left to right";
    static final String DIGITS = "Write phone numbers and other numbers in groups";

    private BidiCheck() {
    }

    /** What a handset shows, left to right, the invisible controls removed. */
    static String shown(String text) {
        return new Bidi(text, Bidi.LEVEL_DEFAULT_LTR).writeReordered(Bidi.DO_MIRRORING | Bidi.REMOVE_BIDI_CONTROLS);
    }

    static boolean rightToLeft(String text) {
        return new Bidi(text, Bidi.LEVEL_DEFAULT_LTR).getParaLevel() == 1;
    }

    /**
     * @param pattern  the PCN's words, placeholders in braces
     * @param rendered the text rendered from it with {@code values}, marks and all
     */
    static List<String> problems(String pattern, String rendered, Placeholders values) {
        List<String> out = new ArrayList<>();
        if (INDIC_DIGIT_GROUPS.matcher(pattern).find()) {
            out.add(DIGITS + " with the digits 0 to 9: a phone shows groups of "
                    + "Arabic-Indic digits in the wrong order.");
        }
        if (!rightToLeft(rendered)) {
            out.add(DIRECTION + ".");
        }
        String shown = shown(rendered);
        List<String> merged = new ArrayList<>();
        for (String v : new String[]{values.givenName(), values.practiceName(), values.practicePhone(),
                values.bookingLink()}) {
            if (v != null && !v.isBlank() && BidiMarks.hasLeftToRight(v) && rendered.contains(v)) {
                merged.add(v);
            }
        }
        for (String v : merged) {
            if (!shown.contains(v)) {
                out.add(WRONG_ORDER + v + "\" in the wrong order.");
            }
        }
        for (String run : runs(pattern)) {
            if (!shown.contains(run)) {
                out.add(WRONG_ORDER + run + "\" in the wrong order.");
            }
        }
        return out;
    }

    /** The left-to-right runs of the pattern's own words (as {@link BidiMarks#markLiteral} finds them). */
    static Set<String> runs(String pattern) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int from = 0;
        while (true) {
            boolean found = m.find();
            String literal = SmsText.normalise(pattern.substring(from, found ? m.start() : pattern.length())
                    .replace("''", "'"));
            collect(literal, out);
            if (!found) {
                return out;
            }
            from = m.end();
        }
    }

    private static void collect(String s, Set<String> out) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!BidiMarks.startsRun(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int runEnd = i;
            int j = i;
            while (j < s.length()) {
                int c = s.codePointAt(j);
                if (BidiMarks.startsRun(c)) {
                    j += Character.charCount(c);
                    runEnd = j;
                } else if (BidiMarks.neutral(c)) {
                    j += Character.charCount(c);
                } else {
                    break;
                }
            }
            out.add(s.substring(i, runEnd));
            i = runEnd;
        }
    }
}
