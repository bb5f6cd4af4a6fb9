package io.uptake.reply;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The comparable form of a reply or a keyword: trimmed, lower case, accents removed, surrounding
 * punctuation dropped, digits of any script made ASCII, invisible joiners and direction marks dropped,
 * and the Arabic keyboard's letters read as Urdu's. Both sides go through the same function, so a keyword
 * or an opt-out phrase matches whatever a phone's keyboard produced ("Stop.", "STÓP", "stop ", "١", "كال").
 * A form for comparing: nothing stores it, and only the translation hint shows it (the recognised word).
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
        int[] cps = decomposed.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            if (isAccent(cp) || isInvisible(cp)) {
                continue;
            }
            if (cp == ZWNJ) {
                // Urdu writes it between two words where a space would join their letters ("کی‌کٹ"): a space. In
                // Bengali, Gujarati and Gurmukhi it only shapes a conjunct inside a word: nothing.
                if (i > 0 && isArabicScript(cps[i - 1])) {
                    out.append(' ');
                }
                continue;
            }
            if (Character.isDigit(cp)) {
                // Urdu, Arabic, Bengali, Gujarati and Gurmukhi keyboards type their own digits.
                out.append((char) ('0' + Character.digit(cp, 10)));
                continue;
            }
            out.appendCodePoint(foldLetter(cp));
        }
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

    private static final int ZWNJ = 0x200C;

    /**
     * Characters a phone may put inside a word that neither draw a letter nor separate words: tatweel (the
     * Arabic stretch), zero-width joiner, soft hyphen, word joiner, byte order mark, and the direction marks,
     * embeddings and isolates an Arabic or Urdu keyboard adds around Latin text and digits.
     */
    private static boolean isInvisible(int cp) {
        return cp == 0x0640 || cp == 0x200D || cp == 0x00AD || cp == 0x2060 || cp == 0xFEFF
                || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    }

    private static boolean isArabicScript(int cp) {
        return Character.UnicodeScript.of(cp) == Character.UnicodeScript.ARABIC;
    }

    /**
     * Latin letters with a stroke have no decomposition: fold the ones our languages use. Urdu typed on an
     * Arabic keyboard (or by software that does) uses Arabic yeh, kaf and heh for Urdu's ی, ک and ہ/ھ, and
     * Arabic yeh for the final ے: read them as one letter each, so "مجهے", "مجھي" and "مجھے" compare equal.
     */
    private static int foldLetter(int cp) {
        return switch (cp) {
            case 0x064A, 0x0649, 0x06D2 -> 0x06CC; // ي ى ے -> ی
            case 0x0643 -> 0x06A9;                 // ك -> ک
            case 0x0647, 0x06BE -> 0x06C1;         // ه ھ -> ہ
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
