package io.uptake.letter;

import com.openhtmltopdf.bidi.support.ICUBidiReorderer;
import com.openhtmltopdf.bidi.support.ICUBidiSplitter;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import jakarta.inject.Singleton;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.multipdf.PDFMergerUtility;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Letters to PDF with openhtmltopdf (on PDFBox): ICU splits and reorders bidirectional text and shapes Arabic
 * script; PDFBox applies the fonts' GSUB rules to Bengali and Gujarati (not to Gurmukhi: see docs/letters.md).
 * Each letter is rendered alone, then the batch is merged, so each starts on a new page and one letter that
 * cannot be rendered fails alone.
 */
@Singleton
public class LetterRenderer {
    private final Path fontDir;
    private volatile LetterFonts fonts;

    LetterRenderer(LetterSettings settings) {
        this.fontDir = Path.of(settings.getFontDir());
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
     * @throws IllegalArgumentException when the letter lacks what it must print
     */
    byte[] render(Letter letter) {
        if (letter.patientAddress().stream().allMatch(l -> l == null || l.isBlank())) {
            throw new IllegalArgumentException("no address");
        }
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
        List<org.apache.pdfbox.pdmodel.PDDocument> sources = new java.util.ArrayList<>();
        try (var target = new org.apache.pdfbox.pdmodel.PDDocument()) {
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
