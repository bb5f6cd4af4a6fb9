package io.uptake.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The NHS.UK content style's formats, as tables; no Micronaut context needed. */
class PeopleFormatsTest {
    private final PeopleFormats people = new PeopleFormats(ZoneId.of("Europe/London"),
            Map.of("fit-non-returners", "Bowel screening: FIT kit non-returners"));

    @ParameterizedTest
    @CsvSource({
            "2026-12-01, 1 December 2026",
            "2027-01-09, 9 January 2027",
            "not a date, not a date"})
    void dates(String value, String shown) {
        assertThat(people.date(value)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({
            // an instant shows its London date: 23:30 UTC in June is already the next day in London
            "2026-06-30T23:30:00Z, 1 July 2026, 1 July 2026 at 12:30am",
            "2026-12-01T14:30:00Z, 1 December 2026, 1 December 2026 at 2:30pm",
            "2026-12-01T09:00:00Z, 1 December 2026, 1 December 2026 at 9am"})
    void instants(String instant, String date, String dateTime) {
        assertThat(people.date(Instant.parse(instant))).isEqualTo(date);
        assertThat(people.dateTime(Instant.parse(instant))).isEqualTo(dateTime);
    }

    @ParameterizedTest
    @CsvSource({
            "14:30, 2:30pm", "09:00, 9am", "12:00, midday", "00:00, midnight", "00:15, 12:15am", "12:05, 12:05pm",
            "20:00, 8pm"})
    void times(String value, String shown) {
        assertThat(people.time(LocalTime.parse(value))).isEqualTo(shown);
        assertThat(people.time(value)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"9990012687, 999 001 2687", "999 001 2687, 999 001 2687", "999-001-2687, 999 001 2687",
            "12345, 12345"})
    void nhsNumbers(String value, String shown) {
        assertThat(people.nhsNumber(value)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"+447700900243, 07700 900243", "447700900243, 07700 900243", "07700900243, 07700 900243",
            "07700 900243, 07700 900243", "+33612345678, +33612345678"})
    void mobiles(String value, String shown) {
        assertThat(people.mobile(value)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"+441614960123, 0161 496 0123", "+442079460123, 020 7946 0123", "+441632960123, 01632 960123",
            "+447700900243, 07700 900243", "07700900243, 07700 900243", "+33123456789, +33123456789",
            "not a number, not a number"})
    void phonesLandlineOrMobile(String value, String shown) {
        assertThat(people.phone(value)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"call-wave-no-phone|Not on the call list: no phone number on the record",
            "no-address|No address on the record to write to", "opted out|opted out"})
    void reasonsInWords(String key, String shown) {
        assertThat(people.reason(key)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"ur, Urdu", "bn, Bengali", "pa, Panjabi", "en, English", "so, Somali", "de, German",
            "UR, Urdu", "xx, xx"})
    void languagesHaveOneSpelling(String code, String shown) {
        assertThat(people.language(code)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"fit-non-returners, Bowel screening: FIT kit non-returners", "unknown-key, unknown-key"})
    void programmes(String key, String shown) {
        assertThat(people.programme(key)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"BLACK|Black, Black British, Caribbean or African", "WHITE|White",
            "UNKNOWN|Not known", "ASIAN|Asian or Asian British"})
    void ethnicGroups(String key, String shown) {
        assertThat(people.ethnicGroup(key)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"SENDING, Sending, nhsuk-tag nhsuk-tag--blue", "NOT_SENT, Not sent, nhsuk-tag nhsuk-tag--grey",
            "FAILED, Failed, nhsuk-tag nhsuk-tag--red", "COMPLETE, Complete, nhsuk-tag nhsuk-tag--green"})
    void statuses(String key, String shown, String tag) {
        assertThat(people.status(key)).isEqualTo(shown);
        assertThat(people.tagClass(key)).isEqualTo(tag);
    }

    @org.junit.jupiter.api.Test
    void nothingShowsAsBlankNotAsNull() {
        assertThat(people.date(null)).isEmpty();
        assertThat(people.nhsNumber(null)).isEmpty();
        assertThat(people.date(LocalDate.of(2026, 12, 1))).isEqualTo("1 December 2026");
    }
}
