package io.uptake.reply;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The comparable form of a reply or a keyword: trimmed, lower case, accents removed, surrounding
 * punctuation dropped, digits of any script made ASCII. Both sides go through the same function,
 * so a keyword matches whatever a phone's keyboard produced ("Stop.", "STÓP", "stop ", "١").
 */
final class KeywordText {
    private KeywordText() {
    }

    static String normalise(String text) {
        if (text == null) {
            return "";
        }
        // NFKD splits é into e + U+0301 and folds compatibility forms (full-width letters, Arabic
        // presentation forms) into their plain letters.
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder(decomposed.length());
        decomposed.codePoints().forEach(cp -> {
            if (isAccent(cp)) {
                return;
            }
            if (Character.isDigit(cp)) {
                // Urdu, Arabic, Bengali, Gujarati and Gurmukhi keyboards type their own digits.
                out.append((char) ('0' + Character.digit(cp, 10)));
                return;
            }
            out.appendCodePoint(foldLetter(cp));
        });
        // Recompose so that Indic vowel signs, which are not accents and are kept, compare equal.
        String folded = Normalizer.normalize(out.toString(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        // Control and format characters at the ends count as punctuation: a NUL or a zero-width space a
        // phone added after STOP must not turn an opt-out into free text.
        return folded.replaceAll("^[\\p{P}\\p{S}\\p{Z}\\p{Cc}\\p{Cf}\\s]+|[\\p{P}\\p{S}\\p{Z}\\p{Cc}\\p{Cf}\\s]+$", "")
                .replaceAll("[\\p{Z}\\s]+", " ");
    }

    /**
     * Latin combining accents and Arabic-script vowel marks (harakat), which phones add or leave out
     * at will. Indic vowel signs are combining marks too but change the word, so they stay.
     */
    private static boolean isAccent(int cp) {
        return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670;
    }

    /** Latin letters with a stroke have no decomposition: fold the ones our languages use. */
    private static int foldLetter(int cp) {
        return switch (cp) {
            case 'ł' -> 'l';
            case 'Ł' -> 'L';
            case 'đ' -> 'd';
            case 'Đ' -> 'D';
            case 'ø' -> 'o';
            case 'Ø' -> 'O';
            default -> cp;
        };
    }
}
