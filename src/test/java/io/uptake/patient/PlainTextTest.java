package io.uptake.patient;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What PlainText keeps, replaces and removes (escapes spelled out: the characters themselves are invisible). The C1
 * control NEL is written as the octal escape {@code \205}: a unicode escape is translated before the text block's
 * indentation is stripped, and javac takes NEL there for trailing white space.
 */
class PlainTextTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            plain name                 | Ayesha Khan              | Ayesha Khan
            Urdu script kept           | \u0639\u0627\u0626\u0634\u06C1   | \u0639\u0627\u0626\u0634\u06C1
            trimmed                    | '  Ada  '                | Ada
            right-to-left override     | \u202EAda                | Ada
            embedding and pop          | \u202BAda\u202C          | Ada
            isolates                   | \u2066Ada\u2069          | Ada
            LRM, RLM and ALM marks     | A\u200Eda\u200F\u061C    | Ada
            escape becomes a space     | Ada\u001B[31mX           | Ada [31mX
            bell at the end            | Ada\u0007                | Ada
            tab inside                 | Ann\tMarie               | Ann Marie
            C1 control                 | Ann\205Marie             | Ann Marie
            DEL                        | Ann\u007FMarie           | Ann Marie
            """)
    void cleans(String what, String raw, String clean) {
        assertThat(PlainText.clean(raw)).isEqualTo(clean);
    }
}
