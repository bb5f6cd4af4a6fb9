package io.uptake.letter;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.template.LetterText;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import jakarta.inject.Inject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each language's letter as a real PDF, read back with PDFBox's text extraction. Needs fonts-noto-core. */
@MicronautTest(transactional = false)
class LetterPdfTest {
    static final String NHS = "9990012687";
    @Inject
    MessageTemplates templates;
    @Inject
    LetterRenderer renderer;

    Letter letter(String language, List<String> address) {
        LetterText text = templates.letter("fit-non-returners", "initial", language,
                new Placeholders("Ann", "Moss Side Health Centre", "0161 496 0001", null));
        return new Letter("Moss Side Health Centre", List.of("1 Moss Lane East", "Moss Side", "Manchester", "M16 7AA"),
                "0161 496 0001", "Ann Lee", address, NHS, LocalDate.of(2026, 12, 1), text);
    }

    static String text(byte[] pdf) throws IOException {
        try (var doc = Loader.loadPDF(pdf)) {
            return Normalizer.normalize(new PDFTextStripper().getText(doc), Normalizer.Form.NFKC);
        }
    }

    static int pages(byte[] pdf) throws IOException {
        try (var doc = Loader.loadPDF(pdf)) {
            return doc.getNumberOfPages();
        }
    }

    static String flat(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).replaceAll("\\s+", " ").trim();
    }

    @Test
    void anEnglishLetterFollowsNhsLetterConventions() throws IOException {
        String text = flat(text(renderer.render(letter("en", List.of("12 Birch Road", "Rusholme", "Manchester", "M14 5AA")))));
        assertThat(text).contains("Moss Side Health Centre", "1 Moss Lane East", "M16 7AA", "0161 496 0001",
                "Ann Lee", "12 Birch Road", "Rusholme", "M14 5AA", "1 December 2026", "NHS number: 999 001 2687",
                "Your bowel screening (FIT) kit has not come back to us yet",
                "To book, call us on 0161 496 0001.",
                "If you do not want letters or texts from us about screening, call 0161 496 0001 and tell us.")
                // A letter cannot be answered: no texting instructions.
                .doesNotContain("Reply STOP", "Reply CALL");
    }

    /**
     * What PDFBox's extraction can prove differs by script (docs/letters.md): Latin and Arabic script come back
     * as written (Arabic's shaped presentation forms normalise back to its letters); Gurmukhi comes back in
     * logical order, but its marks may be read apart from their letters; the glyphs PDFBox substitutes for
     * Bengali and Gujarati conjuncts and pre-base vowels have no exact way back to text. So every language is
     * checked for the practice, the patient, the NHS number and the phone number in their true order, and for
     * its own script, and the scripts that round-trip are checked word for word.
     */
    @ParameterizedTest
    @ValueSource(strings = {"en", "pl", "ro", "ur", "ar", "bn", "gu", "pa"})
    void eachLanguageReadsBackFromThePdf(String language) throws IOException {
        Letter letter = letter(language, List.of("12 Birch Road", "Manchester", "M14 5AA"));
        assertThat(letter.text().language()).isEqualTo(language);
        byte[] pdf = renderer.render(letter);
        String text = flat(text(pdf));
        // The phone number and the NHS number keep their order in right-to-left letters too.
        assertThat(text).contains("999 001 2687", "0161 496 0001", "Ann Lee", "12 Birch Road", "Moss Side Health Centre")
                .doesNotContain("0001 496 0161", "2687 001 999");
        List<String> paragraphs = List.of(letter.text().body(), letter.text().howToBook(), letter.text().optOut());
        switch (language) {
            case "en", "pl", "ro" -> paragraphs.forEach(p -> assertThat(text).contains(flat(p)));
            case "ur", "ar" -> paragraphs.forEach(p -> {
                for (String word : flat(p).split(" ")) {
                    String letters = word.replaceAll("[^\\p{IsArabic}]", "");
                    if (!letters.isEmpty()) {
                        assertThat(text).contains(letters);
                    }
                }
            });
            case "pa" -> {
                String bare = text.replaceAll("[\\p{Mn}\\p{Mc}\\s।]", "");
                paragraphs.forEach(p -> assertThat(bare).contains(
                        flat(p).replaceAll("[\\p{Mn}\\p{Mc}\\s।]", "").substring(0, 20)));
            }
            case "bn" -> assertThat(text).containsPattern("\\p{IsBengali}{2,}");
            case "gu" -> assertThat(text).containsPattern("\\p{IsGujarati}{2,}");
            default -> throw new IllegalArgumentException(language);
        }
        // For people to look at (docs/letters.md): the first page as an image.
        Path out = Path.of("target", "letters");
        java.nio.file.Files.createDirectories(out);
        try (var doc = Loader.loadPDF(pdf)) {
            javax.imageio.ImageIO.write(new org.apache.pdfbox.rendering.PDFRenderer(doc).renderImageWithDPI(0, 110),
                    "png", out.resolve(language + ".png").toFile());
        }
    }

    @Test
    void lettersMergeEachOnItsOwnPage() throws IOException {
        byte[] one = renderer.render(letter("en", List.of("12 Birch Road")));
        byte[] two = renderer.render(letter("ur", List.of("14 Birch Road")));
        byte[] both = LetterRenderer.merge(List.of(one, two));
        assertThat(pages(both)).isEqualTo(pages(one) + pages(two));
        assertThat(text(both)).contains("12 Birch Road", "14 Birch Road");
    }

    @Test
    void aLetterWithoutAnAddressIsRefused() {
        assertThatThrownBy(() -> renderer.render(letter("en", List.of("", " "))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no address");
    }

    @Test
    void missingFontsNameThePackageToInstall(@TempDir Path empty) {
        assertThatThrownBy(() -> LetterFonts.find(empty)).isInstanceOf(LetterFonts.Missing.class)
                .hasMessageContaining("apt-get install fonts-noto-core").hasMessageContaining("NotoSansGurmukhi-Regular.ttf");
    }
}
