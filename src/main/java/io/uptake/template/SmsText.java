package io.uptake.template;

import java.text.Normalizer;

/**
 * Normalises a rendered text before it is counted and sent. Only characters whose meaning survives the
 * change are touched: typographic quotes, dashes and the ellipsis become their plain forms (which keeps
 * an English text in GSM-7), exotic spaces become a space, and invisible zero-width spaces go. Letters of
 * any script are never replaced, and the joiners (ZWJ, ZWNJ) and direction marks that Arabic-script and
 * Indic texts rely on are kept. Then NFC, which changes no meaning.
 */
public final class SmsText {
    private SmsText() {
    }

    public static String normalise(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032' -> out.append('\'');
                case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033' -> out.append('"');
                case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212' -> out.append('-');
                case '\u2026' -> out.append("...");
                case '\u00A0', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007',
                     '\u2008', '\u2009', '\u200A', '\u202F', '\u205F', '\u3000' -> out.append(' ');
                case '\u200B', '\u2060', '\uFEFF' -> {
                    // zero-width space, word joiner, BOM: invisible, and they can force UCS-2
                }
                default -> out.appendCodePoint(c);
            }
        });
        return Normalizer.normalize(out.toString(), Normalizer.Form.NFC);
    }
}
