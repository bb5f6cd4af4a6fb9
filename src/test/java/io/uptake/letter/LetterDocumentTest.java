package io.uptake.letter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

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
}
