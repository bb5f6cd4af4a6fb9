package io.uptake.template;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmsTextTest {

    @Test
    void typographicPunctuationAndOddSpacesBecomePlainSoEnglishStaysGsm7() {
        String typed = "\u201CWe\u2019ll call you\u201D \u2013 Dr\u00A0Shah\u2026 ok\u200B!\u2014";
        String plain = SmsText.normalise(typed);
        assertThat(plain).isEqualTo("\"We'll call you\" - Dr Shah... ok!-");
        assertThat(SmsSegments.count(plain).encoding()).isEqualTo("GSM-7");
        assertThat(SmsSegments.count(typed).encoding()).isEqualTo("UCS-2");
    }

    @Test
    void lettersOfOtherScriptsAndTheirJoinersAreKept() {
        String urdu = "آپ کی\u200Cکٹ";          // zero-width non-joiner matters in Urdu and Persian
        String bengali = "ক্\u200Dষ";            // zero-width joiner shapes Indic conjuncts
        String polish = "Łódź, Gdańsk";
        String romanian = "ș ț ş ţ";             // comma-below and cedilla forms are both left alone
        assertThat(SmsText.normalise(urdu)).isEqualTo(urdu);
        assertThat(SmsText.normalise(bengali)).isEqualTo(bengali);
        assertThat(SmsText.normalise(polish)).isEqualTo(polish);
        assertThat(SmsText.normalise(romanian)).isEqualTo(romanian);
    }

    @Test
    void decomposedLettersAreComposed() {
        // A decomposed é (e + combining acute) is UCS-2; composed, it is in the GSM-7 alphabet.
        assertThat(SmsSegments.count("Rene\u0301e").encoding()).isEqualTo("UCS-2");
        assertThat(SmsText.normalise("Rene\u0301e")).isEqualTo("Renée");
        assertThat(SmsSegments.count(SmsText.normalise("Rene\u0301e")).encoding()).isEqualTo("GSM-7");
    }
}
