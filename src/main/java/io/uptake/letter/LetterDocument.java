package io.uptake.letter;

import com.ibm.icu.text.DateFormat;
import com.ibm.icu.util.ULocale;
import io.uptake.patient.PlainText;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

/**
 * Letters as XHTML, for Chromium and for openhtmltopdf alike: pure, so its rules (the date in people's words, the
 * NHS number in its 3-3-4 groups, escaping, direction) are tested without a PDF.
 */
final class LetterDocument {
    private LetterDocument() {
    }

    /** "999 001 2687": how the NHS number is printed on NHS letters. */
    static String nhsNumber(String digits) {
        String d = digits.replaceAll("\\D", "");
        if (d.length() != 10) {
            throw new IllegalArgumentException("an NHS number has 10 digits");
        }
        return d.substring(0, 3) + " " + d.substring(3, 6) + " " + d.substring(6);
    }

    /** The date as people write it in the letter's language: "1 December 2026" in English (en-GB). */
    static String date(LocalDate date, String language) {
        ULocale locale = "en".equals(language) ? ULocale.UK : new ULocale(language + "_GB");
        DateFormat format = DateFormat.getDateInstance(DateFormat.LONG, locale);
        format.setTimeZone(com.ibm.icu.util.TimeZone.GMT_ZONE);
        return format.format(Date.from(date.atStartOfDay().toInstant(ZoneOffset.UTC)));
    }

    /** Latin first: names, addresses and numbers are in Latin script in every letter. */
    private static final String LATIN_FIRST = "'Noto Sans', 'Noto Naskh Arabic', 'Noto Sans Bengali', 'Noto Sans Gujarati',"
            + " 'Noto Sans Gurmukhi'";

    /**
     * Each letter is a section that starts a new page. Each character takes the first family in the list that has
     * it, so a Panjabi letter's words name Gurmukhi before Bengali (both fonts have the danda, Panjabi's full
     * stop); Urdu's name Nastaliq first, so their spaces, digits and punctuation are Nastaliq's too, and its tall
     * letters get the taller lines they need.
     */
    static final String CSS = """
            @page { size: A4; margin: 20mm 20mm 20mm 20mm; }
            body { margin: 0; font-family: %1$s; font-size: 11pt; line-height: 1.4; }
            .letter + .letter { page-break-before: always; break-before: page; }
            .rtl { direction: rtl; text-align: right; }
            .ltr { direction: ltr; text-align: left; }
            .lang-ur .words { font-family: '%2$s', %1$s; line-height: 2.2; }
            .lang-pa .words { font-family: 'Noto Sans', 'Noto Sans Gurmukhi', %1$s; }
            .practice { direction: ltr; text-align: right; margin-bottom: 12mm; }
            .practice .name { font-weight: bold; }
            .address { margin-bottom: 10mm; }
            .meta { margin-bottom: 8mm; }
            p { margin: 0 0 4mm 0; }
            .line { margin: 0; }
            """.formatted(LATIN_FIRST, LetterFonts.NASTALIQ);

    /** One letter as a whole XHTML document, in the fonts the renderer registers by family name. */
    static String html(Letter letter) {
        return html(List.of(letter), "");
    }

    /**
     * Letters as one XHTML document, each from a new page, in the letters' order. {@code fontFaces} is CSS that
     * says where the families' files are (empty when the renderer registers them itself).
     */
    static String html(List<Letter> letters, String fontFaces) {
        if (letters.isEmpty()) {
            throw new IllegalArgumentException("no letters");
        }
        Letter first = letters.get(0);
        boolean rtl = first.text().rtl();
        StringBuilder b = new StringBuilder(4096 * letters.size());
        // Nothing is fetched and nothing runs: the page is the letters and their fonts.
        b.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"")
                .append(esc(first.text().language())).append("\" dir=\"").append(rtl ? "rtl" : "ltr")
                .append("\"><head><meta charset=\"UTF-8\"/><meta http-equiv=\"Content-Security-Policy\""
                        + " content=\"default-src 'none'; style-src 'unsafe-inline'; font-src file:\"/><title>")
                .append(esc(first.practiceName())).append("</title><style>").append(fontFaces).append(CSS)
                .append("</style></head><body>");
        for (Letter letter : letters) {
            section(b, letter);
        }
        b.append("</body></html>");
        return b.toString();
    }

    private static void section(StringBuilder b, Letter letter) {
        boolean rtl = letter.text().rtl();
        String lang = esc(letter.text().language());
        String dir = rtl ? "rtl" : "ltr";
        b.append("<section class=\"letter ").append(dir).append(" lang-").append(lang).append("\" lang=\"")
                .append(lang).append("\" dir=\"").append(dir).append("\">");
        // Names and addresses are English script in GP records and always read left to right.
        b.append("<div class=\"practice\"><p class=\"line name\">").append(esc(letter.practiceName()))
                .append("</p>");
        lines(b, letter.practiceAddress());
        if (letter.practicePhone() != null && !letter.practicePhone().isBlank()) {
            b.append("<p class=\"line\">").append(esc(letter.practicePhone())).append("</p>");
        }
        b.append("</div><div class=\"address ltr\"><p class=\"line\">").append(esc(letter.patientName()))
                .append("</p>");
        lines(b, letter.patientAddress());
        // The NHS number's line reads in the letter's direction ("NHS نمبر: 999 001 2687" from the right in
        // Urdu): the no-break spaces (esc) keep the number itself in order, "999 001 2687", never "2687 001 999".
        b.append("</div><div class=\"meta words\"><p class=\"line\">").append(esc(date(letter.date(),
                        letter.text().language())))
                .append("</p><p class=\"line\">").append(esc(letter.text().nhsNumberLabel())).append(": ")
                .append(esc(nhsNumber(letter.nhsNumber()))).append("</p></div><div class=\"words\">");
        b.append("<p>").append(esc(letter.text().body())).append("</p>");
        b.append("<p>").append(esc(letter.text().howToBook())).append("</p>");
        b.append("<p>").append(esc(letter.text().optOut())).append("</p>");
        b.append("</div></section>");
    }

    private static void lines(StringBuilder b, List<String> lines) {
        for (String line : lines) {
            if (line != null && !line.isBlank()) {
                b.append("<p class=\"line\">").append(esc(line)).append("</p>");
            }
        }
    }

    private static final java.util.regex.Pattern DIGIT_SPACE_DIGIT = java.util.regex.Pattern.compile("(?<=\\d) (?=\\d)");

    /**
     * Escaped for XHTML, after the same cleaning as every imported value (no control or bidi characters). A space
     * between two digits becomes a no-break space: that is a number separator to the bidi algorithm, so "0161 496
     * 0001" stays one left-to-right number in an Urdu or Arabic sentence instead of printing "0001 496 0161" (the
     * texts' hazard H-005), and a phone number never breaks across lines.
     */
    static String esc(String s) {
        String clean = DIGIT_SPACE_DIGIT.matcher(PlainText.clean(s == null ? "" : s)).replaceAll("\u00A0");
        StringBuilder out = new StringBuilder(clean.length() + 16);
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
