package io.uptake.campaign;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The daily cap's last-send-day rule as a table, without Micronaut (weekdays; Easter 2026 bank holidays). */
class DailyCapTest {
    /** Weekdays without Good Friday (3 April 2026) and Easter Monday (6 April 2026). */
    static final Predicate<LocalDate> WEEKDAYS = d -> d.getDayOfWeek() != DayOfWeek.SATURDAY
            && d.getDayOfWeek() != DayOfWeek.SUNDAY
            && !Set.of(LocalDate.parse("2026-04-03"), LocalDate.parse("2026-04-06")).contains(d);

    @ParameterizedTest(name = "{0}; cap {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // waves as day:texts, comma-separated | cap | last day
            "2026-03-02:100                  | 30  | 2026-03-05",   // Mon 30, Tue 30, Wed 30, Thu 10
            "2026-03-02:90                   | 30  | 2026-03-04",   // exactly three days
            "2026-03-05:100                  | 30  | 2026-03-10",   // Thu, Fri, (weekend), Mon, Tue
            "2026-04-02:100                  | 30  | 2026-04-09",   // Thu 2, Good Friday, weekend, Easter Monday, Tue-Thu
            "2026-03-07:10                   | 30  | 2026-03-09",   // due on a Saturday: goes Monday
            "2026-03-02:60, 2026-03-04:60    | 40  | 2026-03-05",   // Mon 40, Tue 20, Wed 40, Thu 20: across waves
            "2026-03-02:60, 2026-03-16:60    | 40  | 2026-03-17",   // the reminder wave paced on its own days
            "2026-03-02:100, 2026-03-16:100  | -   | 2026-03-16",   // no cap: each wave on its due day
            "2026-03-02:0                    | 30  | -",            // nothing to send
    })
    void lastSendDay(String waves, Integer cap, LocalDate last) {
        List<DailyCap.Wave> list = new ArrayList<>();
        for (String w : waves.split(",")) {
            String[] parts = w.strip().split(":");
            list.add(new DailyCap.Wave(LocalDate.parse(parts[0]), Long.parseLong(parts[1])));
        }
        assertThat(DailyCap.lastSendDay(list, cap, WEEKDAYS)).isEqualTo(last);
    }

    @ParameterizedTest(name = "cap {0}, {1} taken today, {2} wanted -> {3}")
    @CsvSource({
            "30, 0, 10, 10",    // plenty left
            "30, 25, 10, 5",    // the rest of the day's cap
            "30, 30, 10, 0",    // at the cap: nothing until the next sending day
            "30, 31, 10, 0",    // over it (a count read before another round gave back): still nothing
            "1, 0, 10, 1",
            "5, 0, 0, 0",       // an idle round wants nothing
    })
    void allowance(int cap, long taken, int wanted, int allowed) {
        assertThat(DailyCap.allowance(cap, taken, wanted)).isEqualTo(allowed);
    }

    @Test
    void aCapBelowOneIsRefusedAndAnEndlessPlanToo() {
        assertThatThrownBy(() -> DailyCap.allowance(0, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DailyCap.problem(0)).startsWith("must be a whole number");
        assertThat(DailyCap.problem(-5)).isNotNull();
        assertThat(DailyCap.problem(null)).isNull();
        assertThat(DailyCap.problem(1)).isNull();
        List<DailyCap.Wave> waves = List.of(new DailyCap.Wave(LocalDate.parse("2026-03-02"), 10));
        assertThatThrownBy(() -> DailyCap.lastSendDay(waves, 0, WEEKDAYS)).isInstanceOf(IllegalArgumentException.class);
        List<DailyCap.Wave> huge = List.of(new DailyCap.Wave(LocalDate.parse("2026-03-02"), 100_000));
        assertThatThrownBy(() -> DailyCap.lastSendDay(huge, 1, WEEKDAYS)).hasMessageContaining("three years");
    }

    @Test
    void withTheSendWindowAndTheRealCalendar() {
        BankHolidays holidays = new BankHolidays("calendar/bank-holidays-england-and-wales.csv",
                java.time.Clock.fixed(java.time.Instant.parse("2026-03-02T09:00:00Z"), java.time.ZoneId.of("Europe/London")));
        List<DailyCap.Wave> waves = List.of(new DailyCap.Wave(LocalDate.parse("2026-04-02"), 100));
        assertThat(DailyCap.lastSendDay(waves, 30, SendWindow.standard(), holidays)).isEqualTo(LocalDate.parse("2026-04-09"));
    }
}
