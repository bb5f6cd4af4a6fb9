package io.uptake.time;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The three-field date input read as the NHS design system says: a date, or the message and the boxes it is about. */
class DateInputTest {
    @ParameterizedTest(name = "[{index}] {0}/{1}/{2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // day | month | year | date | problem | parts
            "2|3|2026|2026-03-02|-|-",
            "02|03|2026|2026-03-02|-|-",
            " 29 | 2 | 2028 |2028-02-29|-|-",
            "-|-|-|-|-|-",
            " | | |-|-|-",
            "2|-|2026|-|Cohort date must include a month|month",
            "-|-|2026|-|Cohort date must include a day and month|day,month",
            "2|3|-|-|Cohort date must include a year|year",
            "29|2|2027|-|Cohort date must be a real date|-",
            "31|4|2026|-|Cohort date must be a real date|-",
            "0|3|2026|-|Cohort date must be a real date|-",
            "2|13|2026|-|Cohort date must be a real date|-",
            "two|3|2026|-|Cohort date must be a real date|-",
            "2|March|2026|-|Cohort date must be a real date|-",
            "2|3|26|-|Year must include 4 numbers|year",
            "2|3|20266|-|Year must include 4 numbers|year"})
    void readsTheThreeBoxes(String day, String month, String year, String date, String problem, String parts) {
        DateInput.Read read = DateInput.read("Cohort date", day, month, year);
        assertThat(read.date()).isEqualTo(date == null ? null : LocalDate.parse(date));
        assertThat(read.problem()).isEqualTo(problem);
        assertThat(read.parts()).isEqualTo(parts == null ? List.of() : Arrays.asList(parts.split(",")));
        assertThat(read.blank()).isEqualTo(date == null && problem == null);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "14:30|14:30", "9:30|09:30", "9.30am|09:30", "2:30pm|14:30", "2:30 PM|14:30", "9am|09:00", "12pm|12:00",
            "12am|00:00", "12:15am|00:15", "00:00|00:00", "-|-", "' '|-"})
    void readsATimeAsPeopleWriteIt(String typed, String time) {
        DateInput.Time read = DateInput.time(typed);
        assertThat(read.problem()).isNull();
        assertThat(read.time()).isEqualTo(time == null ? null : java.time.LocalTime.parse(time));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {"9", "25:00", "13pm", "0am", "9:60", "noon", "9:3", "half past two"})
    void refusesWhatIsNotATimeOfDay(String typed) {
        assertThat(DateInput.time(typed).problem()).isEqualTo("Enter the start time as a time of day, for example 9:30am or 14:30");
        assertThat(DateInput.time(typed).time()).isNull();
    }

    @ParameterizedTest(name = "[{index}] {0}/{1}/{2} or {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // day | month | year | iso | date | problem
            "-|-|-|2026-03-02|2026-03-02|-",
            "2|3|2026|2027-01-01|2026-03-02|-",
            "-|-|-|-|-|-",
            "-|-|-|' '|-|-",
            "-|-|-|2026-02-30|-|From must be a real date",
            "-|-|-|yesterday|-|From must be a real date",
            "2|-|2026|2026-03-02|-|From must include a month"})
    void theBoxesWinAndAnIsoDateFromThePagesOwnLinksIsReadWhenTheyAreBlank(String day, String month, String year,
                                                                          String iso, String date, String problem) {
        DateInput.Read read = DateInput.readOrIso("From", day, month, year, iso);
        assertThat(read.date()).isEqualTo(date == null ? null : LocalDate.parse(date));
        assertThat(read.problem()).isEqualTo(problem);
    }

    @org.junit.jupiter.api.Test
    void whatWasTypedIsShownAgainWithAProblemAndTheLinkGoesToTheFirstBoxItIsAbout() {
        DateInput.Read missing = DateInput.read("From", "2", " ", "2026");
        assertThat(DateInput.shown(missing, "2", " ", "2026")).containsExactly("2", "", "2026");
        assertThat(DateInput.anchor("from", missing)).isEqualTo("from-month");
        DateInput.Read unreal = DateInput.read("From", "31", "4", "2026");
        assertThat(DateInput.anchor("from", unreal)).isEqualTo("from-day");
        DateInput.Read ok = DateInput.read("From", "02", "03", "2026");
        assertThat(DateInput.shown(ok, "02", "03", "2026")).containsExactly("2", "3", "2026");
    }
}
