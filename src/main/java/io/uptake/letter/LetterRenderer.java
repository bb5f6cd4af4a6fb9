package io.uptake.letter;

import com.openhtmltopdf.bidi.support.ICUBidiReorderer;
import com.openhtmltopdf.bidi.support.ICUBidiSplitter;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import jakarta.inject.Singleton;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.multipdf.PDFMergerUtility;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Letters to PDF. With Chromium installed (the normal case) every letter is printed by it, a batch in one run, so
 * each script is shaped by HarfBuzz (docs/adr/0024). Without it, only letters whose script openhtmltopdf was
 * checked to set correctly (Latin, and Arabic for Arabic letters: docs/letters.md) are printed, with openhtmltopdf
 * as before; the others fail with a sentence naming the package to install, never printed wrongly shaped.
 *
 * <p>One letter that cannot be printed fails alone: each is checked before printing (address, NHS number,
 * fonts), and when a batch's run fails the batch is printed again one letter a run, so only the letter at fault
 * fails, with its reason.
 */
@Singleton
public class LetterRenderer {
    /** Letters per Chromium run: one run costs about a second to start, and a run's PDF is held in memory. */
    static final int LETTERS_PER_RUN = 100;
    private static final Logger LOG = LoggerFactory.getLogger(LetterRenderer.class);
    private final Path fontDir;
    private final Chromium chromium;
    private volatile LetterFonts fonts;
    private volatile Boolean chromiumWasInstalled;

    LetterRenderer(LetterSettings settings) {
        this.fontDir = Path.of(settings.getFontDir());
        this.chromium = new Chromium(Path.of(settings.getChromium()), settings.getChromiumTimeout());
    }

    /** What a batch gave: the PDF of the letters printed (null when none was), and why each other one was not. */
    record Printed(byte[] pdf, List<Integer> printed, Map<Integer, String> failed) {
    }

    /** The fonts, found on first use (and again after a failure, so installing the package needs no restart). */
    private LetterFonts fonts() {
        LetterFonts f = fonts;
        if (f == null) {
            f = LetterFonts.find(fontDir);
            fonts = f;
        }
        return f;
    }

    /**
     * One letter as a PDF.
     *
     * @throws LetterFonts.Missing when the fonts are not installed
     * @throws Chromium.Missing when the letter's script needs Chromium and it is not installed
     * @throws Chromium.Failed when Chromium could not print it
     * @throws IllegalArgumentException when the letter lacks what it must print
     */
    byte[] render(Letter letter) {
        check(letter);
        return chromiumInstalled() ? printed(List.of(letter)) : openHtmlToPdf(letter);
    }

    /**
     * Letters as one PDF, in their order, each from a new page; {@link Printed#printed()} and
     * {@link Printed#failed()} are indexes into {@code letters}.
     */
    Printed render(List<Letter> letters) {
        Map<Integer, String> failed = new LinkedHashMap<>();
        List<Integer> ready = new ArrayList<>();
        for (int i = 0; i < letters.size(); i++) {
            try {
                check(letters.get(i));
                ready.add(i);
            } catch (RuntimeException e) {
                failed.put(i, failure(e));
            }
        }
        List<byte[]> pdfs = new ArrayList<>();
        List<Integer> printed = new ArrayList<>();
        boolean withChromium = chromiumInstalled();
        int perRun = withChromium ? LETTERS_PER_RUN : 1;
        for (int from = 0; from < ready.size(); from += perRun) {
            List<Integer> run = ready.subList(from, Math.min(ready.size(), from + perRun));
            try {
                pdfs.add(withChromium ? printed(run.stream().map(letters::get).toList())
                        : openHtmlToPdf(letters.get(run.get(0))));
                printed.addAll(run);
            } catch (RuntimeException e) {
                if (run.size() == 1) {
                    failed.put(run.get(0), failure(e));
                    continue;
                }
                // Which letter it was is found by printing each alone: the others still go out, in their order.
                LOG.warn("A run of {} letters could not be printed ({}); printing them one at a time", run.size(),
                        reasonFor(e));
                String broken = null;
                for (int i : run) {
                    if (broken != null) {
                        // Chromium itself timed out on one letter alone: trying each of up to a hundred letters
                        // alone, each up to the timeout, would hold the request for hours.
                        failed.put(i, broken);
                        continue;
                    }
                    try {
                        pdfs.add(printed(List.of(letters.get(i))));
                        printed.add(i);
                    } catch (Chromium.TimedOut one) {
                        broken = failure(one);
                        failed.put(i, broken);
                    } catch (RuntimeException one) {
                        failed.put(i, failure(one));
                    }
                }
            }
        }
        return new Printed(pdfs.isEmpty() ? null : pdfs.size() == 1 ? pdfs.get(0) : merge(pdfs), printed, failed);
    }

    /** Why a letter could not be rendered, in words a CCC can act on. */
    static String reasonFor(RuntimeException e) {
        return e instanceof LetterFonts.Missing || e instanceof IllegalArgumentException
                || e instanceof Chromium.Missing || e instanceof Chromium.Failed
                ? e.getMessage() : "could not be rendered (" + e.getClass().getSimpleName() + ")";
    }

    /** The reason for the letter's record; a failure nobody foresaw is logged whole, for whoever must fix it. */
    private static String failure(RuntimeException e) {
        String reason = reasonFor(e);
        if (reason.startsWith("could not be rendered (")) {
            LOG.warn("A letter could not be rendered", e);
        }
        return reason;
    }

    /** What must hold before a letter is printed by either path. */
    private void check(Letter letter) {
        if (letter.patientAddress().stream().allMatch(l -> l == null || l.isBlank())) {
            throw new IllegalArgumentException("no address");
        }
        LetterDocument.nhsNumber(letter.nhsNumber());
        fonts();
        if (!chromiumInstalled() && !openHtmlToPdfSetsCorrectly(letter)) {
            String language = Locale.forLanguageTag(letter.text().language()).getDisplayLanguage(Locale.UK);
            throw new Chromium.Missing(chromium.missing("Letters in " + language));
        }
    }

    private boolean chromiumInstalled() {
        boolean installed = chromium.installed();
        Boolean before = chromiumWasInstalled;
        if (before == null || before != installed) {
            chromiumWasInstalled = installed;
            if (installed) {
                LOG.info("Letters are printed with Chromium ({})", chromium.executable());
            } else {
                LOG.warn("Chromium is not at {}: letters in Latin script and Arabic are printed with openhtmltopdf;"
                        + " letters in other scripts (Urdu, Bengali, Gujarati, Panjabi) fail until the Debian package"
                        + " {} is installed", chromium.executable(), Chromium.PACKAGE);
            }
        }
        return installed;
    }

    /**
     * Whether openhtmltopdf sets every character of the letter as checked in docs/letters.md: Latin script,
     * digits and punctuation, and in an Arabic letter only, Arabic. Urdu is Arabic script but its own letters (heh
     * goal, yeh barree) are not shaped by it; Indic scripts are not shaped right; no other script was checked.
     */
    static boolean openHtmlToPdfSetsCorrectly(Letter letter) {
        boolean arabic = "ar".equals(letter.text().language());
        String all = String.join("\n", letter.practiceName(), String.join("\n", letter.practiceAddress()),
                String.valueOf(letter.practicePhone()), letter.patientName(), String.join("\n", letter.patientAddress()),
                letter.text().body(), letter.text().howToBook(), letter.text().optOut(), letter.text().nhsNumberLabel(),
                LetterDocument.date(letter.date(), letter.text().language()));
        return all.codePoints().allMatch(c -> switch (Character.UnicodeScript.of(c)) {
            case LATIN, COMMON, INHERITED -> true;
            case ARABIC -> arabic;
            default -> false;
        });
    }

    /** Letters printed by one Chromium run, checked to be in the letter fonts only and one page or more each. */
    private byte[] printed(List<Letter> letters) {
        LetterFonts f = fonts();
        byte[] pdf = chromium.print(LetterDocument.html(letters, f.fontFaces()));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            if (doc.getNumberOfPages() < letters.size()) {
                throw new Chromium.Failed("Chromium printed " + doc.getNumberOfPages() + " pages for "
                        + letters.size() + " letters");
            }
            // A character no letter font has would be set in whatever font Chromium finds: refuse that letter
            // rather than post it in a font nobody checked (or as empty boxes).
            TreeSet<String> others = new TreeSet<>();
            for (PDPage page : doc.getPages()) {
                var resources = page.getResources();
                for (var name : resources.getFontNames()) {
                    String font = resources.getFont(name).getName();
                    if (!f.isOurs(font)) {
                        others.add(String.valueOf(font).replaceFirst("^[A-Z]{6}\\+", ""));
                    }
                }
            }
            if (!others.isEmpty()) {
                throw new Chromium.Failed("a character in it is in none of the letter fonts (Chromium used "
                        + String.join(", ", others) + ")");
            }
        } catch (IOException e) {
            throw new Chromium.Failed("Chromium's PDF cannot be read (" + e.getMessage() + ")");
        }
        return pdf;
    }

    /**
     * One letter with openhtmltopdf, as letters were printed before Chromium: ICU splits and reorders
     * bidirectional text and shapes Arabic script; PDFBox applies some GSUB rules. Loads every font file for each
     * letter (slow: BENCHMARKS.md). Used only when Chromium is not installed, for letters it sets correctly.
     */
    byte[] openHtmlToPdf(Letter letter) {
        LetterFonts f = fonts();
        String html = LetterDocument.html(letter);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.useUnicodeBidiSplitter(new ICUBidiSplitter.ICUBidiSplitterFactory());
            builder.useUnicodeBidiReorderer(new ICUBidiReorderer());
            builder.defaultTextDirection(letter.text().rtl() ? BaseRendererBuilder.TextDirection.RTL
                    : BaseRendererBuilder.TextDirection.LTR);
            for (String family : LetterFonts.FAMILIES.keySet()) {
                // openhtmltopdf cannot set Nastaliq (it needs contextual GSUB and GPOS); Urdu never comes here.
                if (family.equals(LetterFonts.NASTALIQ)) {
                    continue;
                }
                builder.useFont(f.regular(family).toFile(), family, 400, BaseRendererBuilder.FontStyle.NORMAL, true);
                builder.useFont(f.bold(family).toFile(), family, 700, BaseRendererBuilder.FontStyle.NORMAL, true);
            }
            builder.withHtmlContent(html, null);
            builder.withProducer("Uptake");
            builder.toStream(out);
            builder.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** PDFs (one letter each) as one document, in order, each letter on its own pages. */
    static byte[] merge(List<byte[]> letters) {
        PDFMergerUtility merger = new PDFMergerUtility();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The sources stay open until the merged document is saved: PDFBox may still read from them.
        List<PDDocument> sources = new ArrayList<>();
        try (var target = new PDDocument()) {
            for (byte[] letter : letters) {
                var doc = Loader.loadPDF(letter);
                sources.add(doc);
                merger.appendDocument(target, doc);
            }
            target.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (var doc : sources) {
                try {
                    doc.close();
                } catch (IOException ignored) {
                    // a source read into memory: nothing to release but the memory
                }
            }
        }
        return out.toByteArray();
    }
}
