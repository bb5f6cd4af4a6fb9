package io.uptake.template;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmsSegmentsTest {

    @Test
    void gsm7FitsOneSegmentUpTo160ThenParts0f153() {
        assertThat(SmsSegments.count("")).isEqualTo(new SmsSegments.Count("GSM-7", 0, 0));
        assertThat(SmsSegments.count("a".repeat(160))).isEqualTo(new SmsSegments.Count("GSM-7", 160, 1));
        assertThat(SmsSegments.count("a".repeat(161))).isEqualTo(new SmsSegments.Count("GSM-7", 161, 2));
        assertThat(SmsSegments.count("a".repeat(306)).segments()).isEqualTo(2);
        assertThat(SmsSegments.count("a".repeat(307)).segments()).isEqualTo(3);
        assertThat(SmsSegments.count("Dear Renée, café @ £5 ¿ñ? Ä§").encoding()).isEqualTo("GSM-7");
    }

    @Test
    void extensionCharactersCountTwo() {
        assertThat(SmsSegments.count("€").characters()).isEqualTo(2);
        assertThat(SmsSegments.count("^{}\\[~]|€").characters()).isEqualTo(18);
        assertThat(SmsSegments.count("a".repeat(158) + "€")).isEqualTo(new SmsSegments.Count("GSM-7", 160, 1));
        assertThat(SmsSegments.count("a".repeat(159) + "€")).isEqualTo(new SmsSegments.Count("GSM-7", 161, 2));
    }

    @Test
    void anExtensionCharacterOnASegmentBoundaryMovesWholeToTheNextSegment() {
        // 152 + 2 would straddle the 153-septet boundary: the escape pair starts segment 2, which then
        // holds 2 + 151 = 153, and the last "a" needs a third segment (a naive 306/153 says 2).
        String text = "a".repeat(152) + "€" + "a".repeat(152);
        assertThat(SmsSegments.count(text)).isEqualTo(new SmsSegments.Count("GSM-7", 306, 3));
        // Off the boundary the same total fits two.
        assertThat(SmsSegments.count("a".repeat(151) + "€" + "a".repeat(153)).segments()).isEqualTo(2);
    }

    @Test
    void anyOtherCharacterMakesTheTextUcs2() {
        assertThat(SmsSegments.count("Dzień dobry, Łukasz").encoding()).isEqualTo("UCS-2");
        assertThat(SmsSegments.count("Bună ziua, Ștefan").encoding()).isEqualTo("UCS-2");
        assertThat(SmsSegments.count("آپ کی کٹ").encoding()).isEqualTo("UCS-2");
        assertThat(SmsSegments.count("ł".repeat(70))).isEqualTo(new SmsSegments.Count("UCS-2", 70, 1));
        assertThat(SmsSegments.count("ł".repeat(71))).isEqualTo(new SmsSegments.Count("UCS-2", 71, 2));
        assertThat(SmsSegments.count("ł".repeat(134)).segments()).isEqualTo(2);
        assertThat(SmsSegments.count("ł".repeat(135)).segments()).isEqualTo(3);
        assertThat(SmsSegments.count("ç").encoding()).isEqualTo("UCS-2"); // only the capital Ç is GSM-7
    }

    @Test
    void aSurrogatePairCountsTwoAndIsNeverSplit() {
        assertThat(SmsSegments.count("😀").characters()).isEqualTo(2);
        String text = "ł".repeat(66) + "😀" + "ł".repeat(66);
        assertThat(SmsSegments.count(text)).isEqualTo(new SmsSegments.Count("UCS-2", 134, 3));
    }
}
