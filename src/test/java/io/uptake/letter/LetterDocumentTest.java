package io.uptake.letter;

import io.uptake.template.LetterText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LetterDocumentTest {
    @ParameterizedTest
    @CsvSource({"9990012687,999 001 2687", "999 001 2687,999 001 2687", "999-001-2687,999 001 2687"})
    void nhsNumbersPrintInThreeThreeFour(String raw, String printed) {
        assertThat(LetterDocument.nhsNumber(raw)).isEqualTo(printed);
    }

    @Test
    void aShortNumberIsRefused() {
        assertThatThrownBy(() -> LetterDocument.nhsNumber("99900126")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"2026-12-01,en,1 December 2026", "2026-03-09,en,9 March 2026", "2026-12-01,pl,1 grudnia 2026"})
    void datesAreWrittenAsPeopleWriteThem(LocalDate date, String language, String written) {
        assertThat(LetterDocument.date(date, language)).isEqualTo(written);
    }

    @Test
    void valuesAreEscapedAndCleaned() {
        assertThat(LetterDocument.esc("<b>O'Neill & Co</b>\u202E")).isEqualTo("&lt;b&gt;O&#39;Neill &amp; Co&lt;/b&gt;");
    }

    static Letter letter(String language, boolean rtl, String body) {
        return new Letter("Moss Side Health Centre", List.of("1 Moss Lane East", "M16 7AA"), "0161 496 0001", "Ann Lee",
                List.of("12 Birch Road", "M14 5AA"), "9990012687", LocalDate.of(2026, 12, 1),
                new LetterText("fit-non-returners", language, language, rtl, true, body, "Book", "Opt out", "NHS"));
    }

    @Test
    void aBatchIsOneDocumentEachLetterInASectionWithItsLanguageAndDirection() {
        String html = LetterDocument.html(List.of(letter("en", false, "Dear Ann"), letter("ur", true, "آپ کی کٹ")),
                "@font-face { font-family: 'Noto Sans'; src: url('file:///fonts/NotoSans-Regular.ttf'); }");
        assertThat(html.split("<section ", -1)).hasSize(3);
        assertThat(html).contains("<section class=\"letter ltr lang-en\" lang=\"en\" dir=\"ltr\">",
                "<section class=\"letter rtl lang-ur\" lang=\"ur\" dir=\"rtl\">",
                // each letter from a new page; the fonts by path; nothing else loaded, nothing run
                ".letter + .letter { page-break-before: always; break-before: page; }",
                "src: url('file:///fonts/NotoSans-Regular.ttf')",
                "content=\"default-src 'none'; style-src 'unsafe-inline'; font-src file:\"",
                ".lang-ur .words { font-family: 'Noto Nastaliq Urdu'")
                .containsSubsequence("Dear Ann", "آپ کی کٹ")
                // The NHS number, its digit groups joined by no-break spaces, in every letter.
                .contains("NHS: 999\u00A0001\u00A02687");
        assertThatThrownBy(() -> LetterDocument.html(List.of(), "")).isInstanceOf(IllegalArgumentException.class);
    }
}
