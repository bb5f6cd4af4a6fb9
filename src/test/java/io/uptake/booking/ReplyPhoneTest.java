package io.uptake.booking;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A campaign's phone number for replies, as a table: what is shown, or why it is refused. */
class ReplyPhoneTest {

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "0161 496 0000        | 0161 496 0000 | -",
            "+44 161 496 0000     | 0161 496 0000 | -",
            "01614960000          | 0161 496 0000 | -",
            "07700 900123         | 07700 900123  | -",
            "0300 123 4567        | 0300 123 4567 | -",
            "0800 123 4567        | 0800 123 4567 | -",
            "''                   | -             | -",
            "12345                | -             | is not a valid UK phone number",
            "call me              | -             | is not a phone number",
            "+1 212 555 0100      | -             | must be a UK number",
            "0161 496 0000 ext 12 | -             | must be a UK number",
            "0906 123 4567        | -             | must not cost the patient more",
    })
    void replyPhones(String raw, String national, String problem) {
        ReplyPhone.Checked checked = ReplyPhone.check(raw);
        assertThat(checked.national()).isEqualTo(national);
        if (problem == null) {
            assertThat(checked.problem()).isNull();
        } else {
            assertThat(checked.problem()).startsWith(problem);
        }
    }
}
