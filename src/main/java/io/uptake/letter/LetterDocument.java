package io.uptake.letter;

import com.ibm.icu.text.DateFormat;
import com.ibm.icu.util.ULocale;
import io.uptake.patient.PlainText;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

/**
 * A letter as XHTML for openhtmltopdf: pure, so its rules (the date in people's words, the NHS number in its
 * 3-3-4 groups, escaping, direction) are tested without a PDF.
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

    static final String CSS = """
            @page { size: A4; margin: 20mm 20mm 20mm 20mm; }
            body { font-family: %s; font-size: 11pt; line-height: 1.4; }
            .rtl { direction: rtl; text-align: right; }
            .ltr { direction: ltr; text-align: left; }
            .practice { direction: ltr; text-align: right; margin-bottom: 12mm; }
            .practice .name { font-weight: bold; }
            .address { margin-bottom: 10mm; }
            .meta { margin-bottom: 8mm; }
            p { margin: 0 0 4mm 0; }
            .line { margin: 0; }
            """;

    /** One letter as a whole XHTML document (a letter is rendered alone, so one bad letter fails alone). */
    static String html(Letter letter) {
        boolean rtl = letter.text().rtl();
        String lang = letter.text().language();
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"").append(esc(lang))
                .append("\" dir=\"").append(rtl ? "rtl" : "ltr").append("\"><head><meta charset=\"UTF-8\"/><title>")
                .append(esc(letter.practiceName())).append("</title><style>")
                .append(CSS.formatted(LetterFonts.cssFamilies())).append("</style></head><body class=\"")
                .append(rtl ? "rtl" : "ltr").append("\">");
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
        // The NHS number's line is left to right in every language: in a right-to-left paragraph the spaces
        // between its digit groups would take the paragraph's direction and print "2687 001 999".
        b.append("</div><div class=\"meta\"><p class=\"line\">").append(esc(date(letter.date(), lang)))
                .append("</p><p class=\"line ltr\">").append(esc(letter.text().nhsNumberLabel())).append(": ")
                .append(esc(nhsNumber(letter.nhsNumber()))).append("</p></div>");
        b.append("<p>").append(esc(letter.text().body())).append("</p>");
        b.append("<p>").append(esc(letter.text().howToBook())).append("</p>");
        b.append("<p>").append(esc(letter.text().optOut())).append("</p>");
        b.append("</body></html>");
        return b.toString();
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
