package io.uptake.letter;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.text.PDFMarkedContentExtractor;
import org.apache.pdfbox.text.TextPosition;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

/**
 * A PDF page's glyphs as drawn, and its text read as the PDF says it should be (ISO 32000-1, 14.9.4 and 14.8.2.3.3),
 * which PDFBox's {@code PDFTextStripper} does not do: a glyph inside a span with {@code /ActualText} stands for that
 * text (Chromium marks a Nastaliq ligature or an Indic cluster so), and a run inside {@code /ReversedChars} (a
 * right-to-left run, drawn left to right) is read backwards. Runs (one text object each) on the same baseline are
 * one line; a line with a right-to-left run is read right to left.
 */
final class PdfGlyphs extends PDFMarkedContentExtractor {
    /**
     * One glyph: what it stands for in the text ("" for the second and later glyphs of an ActualText span), what
     * it draws (the font's ToUnicode for it alone), the ActualText span it is in (a shaped cluster; -1 for none),
     * where, in which font.
     */
    record Glyph(String text, String drawn, int cluster, float x, float y, float width, String font) {
    }

    /** One text object: its glyphs in drawing order, its baseline, whether it is a right-to-left run. */
    record Run(List<Glyph> glyphs, float baseline, boolean reversed) {
        String text() {
            List<String> parts = new ArrayList<>(glyphs.stream().map(Glyph::text).toList());
            if (reversed) {
                Collections.reverse(parts);
            }
            return String.join("", parts);
        }

        float left() {
            return (float) glyphs.stream().mapToDouble(Glyph::x).min().orElse(0);
        }
    }

    /** An open marked-content sequence: its tag, its ActualText (or null), and whether a glyph has stood for it. */
    private static final class Mark {
        final COSName tag;
        final String actualText;
        final int id;
        boolean used;

        Mark(COSName tag, String actualText, int id) {
            this.tag = tag;
            this.actualText = actualText;
            this.id = id;
        }
    }

    private static final COSName REVERSED_CHARS = COSName.getPDFName("ReversedChars");
    private final List<Run> runs = new ArrayList<>();
    private final Deque<Mark> marks = new ArrayDeque<>();
    private List<Glyph> current;
    private boolean currentReversed;
    private int spans;

    private PdfGlyphs() {
    }

    static List<Run> runs(byte[] pdf, int page) throws IOException {
        try (var doc = Loader.loadPDF(pdf)) {
            PdfGlyphs g = new PdfGlyphs();
            g.processPage(doc.getPage(page));
            return g.runs;
        }
    }

    static List<Glyph> glyphs(byte[] pdf, int page) throws IOException {
        return runs(pdf, page).stream().flatMap(r -> r.glyphs().stream()).toList();
    }

    /** The fonts the page's glyphs are drawn in, without the subset prefix ("ABCDEF+"). */
    static TreeSet<String> fonts(byte[] pdf, int page) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        glyphs(pdf, page).forEach(g -> out.add(g.font().replaceFirst("^[A-Z]{6}\\+", "")));
        return out;
    }

    /** The page's text, a line a line, each line in reading order. */
    static String text(byte[] pdf, int page) throws IOException {
        List<Run> runs = runs(pdf, page).stream().filter(r -> !r.glyphs().isEmpty()).toList();
        List<List<Run>> lines = new ArrayList<>();
        for (Run r : runs.stream().sorted(Comparator.comparingDouble(Run::baseline)).toList()) {
            if (lines.isEmpty() || Math.abs(lines.get(lines.size() - 1).get(0).baseline() - r.baseline()) > 1f) {
                lines.add(new ArrayList<>());
            }
            lines.get(lines.size() - 1).add(r);
        }
        StringBuilder b = new StringBuilder();
        for (List<Run> line : lines) {
            line.sort(Comparator.comparingDouble(Run::left));
            if (line.stream().anyMatch(Run::reversed)) {
                b.append(rightToLeft(line));
            } else {
                line.forEach(r -> b.append(r.text()));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * A right-to-left line's runs (left to right as drawn) in reading order, as the bidi algorithm would resolve
     * them: a left-to-right run (Latin letters or digits) keeps its order with its left-to-right neighbours, and a
     * run of spaces or punctuation between two of them joins them; every other run is read from the right.
     */
    private static String rightToLeft(List<Run> line) {
        int n = line.size();
        boolean[] ltr = new boolean[n];
        for (int i = 0; i < n; i++) {
            ltr[i] = !line.get(i).reversed() && line.get(i).text().codePoints().anyMatch(LTR::test);
        }
        boolean[] resolved = ltr.clone();
        for (int i = 0; i < n; i++) {
            if (!ltr[i] && !line.get(i).reversed()) {
                int before = i - 1;
                while (before >= 0 && !ltr[before] && !line.get(before).reversed()) {
                    before--;
                }
                int after = i + 1;
                while (after < n && !ltr[after] && !line.get(after).reversed()) {
                    after++;
                }
                resolved[i] = before >= 0 && after < n && ltr[before] && ltr[after];
            }
        }
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (resolved[i] && i > 0 && resolved[i - 1]) {
                segments.set(segments.size() - 1, segments.get(segments.size() - 1) + line.get(i).text());
            } else {
                segments.add(line.get(i).text());
            }
        }
        Collections.reverse(segments);
        return String.join("", segments);
    }

    private static final java.util.function.IntPredicate LTR = c -> Character.isDigit(c)
            || Character.getDirectionality(c) == Character.DIRECTIONALITY_LEFT_TO_RIGHT;

    @Override
    public void beginText() throws IOException {
        super.beginText();
        current = new ArrayList<>();
        currentReversed = marks.stream().anyMatch(m -> REVERSED_CHARS.equals(m.tag));
    }

    @Override
    public void endText() throws IOException {
        super.endText();
        if (current != null && !current.isEmpty()) {
            runs.add(new Run(List.copyOf(current), current.get(0).y(), currentReversed));
        }
        current = null;
    }

    @Override
    public void beginMarkedContentSequence(COSName tag, COSDictionary properties) {
        super.beginMarkedContentSequence(tag, properties);
        if (REVERSED_CHARS.equals(tag)) {
            currentReversed = true;
        }
        marks.push(new Mark(tag, properties == null ? null : properties.getString(COSName.ACTUAL_TEXT), ++spans));
    }

    @Override
    public void endMarkedContentSequence() {
        super.endMarkedContentSequence();
        if (!marks.isEmpty()) {
            marks.pop();
        }
    }

    @Override
    protected void processTextPosition(TextPosition t) {
        if (current == null) {
            return;
        }
        // A glyph the font's ToUnicode does not name comes back as U+0000 (Chromium then gives its ActualText).
        String drawn = t.getUnicode() == null ? "" : t.getUnicode().replace("\u0000", "");
        String text = drawn;
        int cluster = -1;
        for (Mark m : marks) {
            if (m.actualText != null) {
                // The first glyph of the span stands for its whole text, the others for nothing more.
                text = m.used ? "" : m.actualText;
                m.used = true;
                cluster = m.id;
                break;
            }
        }
        current.add(new Glyph(text, drawn, cluster, t.getXDirAdj(), t.getYDirAdj(), t.getWidthDirAdj(),
                t.getFont() == null ? "" : String.valueOf(t.getFont().getName())));
    }
}
