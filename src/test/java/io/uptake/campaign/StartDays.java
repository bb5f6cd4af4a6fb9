package io.uptake.campaign;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * Campaign start days computed from the service's clock, for tests that run on the wall clock: a fixed "future" date
 * (say 2027-01-04) turns into a past one the day the calendar passes it, and the launch is then refused.
 */
final class StartDays {
    /** How the launch pages write a day: "Monday 4 January 2027". */
    static final DateTimeFormatter PAGE_DAY = DateTimeFormatter.ofPattern("EEEE d MMMM uuuu", Locale.UK);

    private StartDays() {
    }

    /**
     * The first Monday at least a week after today by the clock on which neither the first text nor a reminder
     * {@code reminderDays} later falls on a bank holiday, so the waves land on the days the test expects.
     */
    static LocalDate workingMonday(Clock clock, BankHolidays holidays, int reminderDays) {
        LocalDate day = LocalDate.now(clock).plusWeeks(1).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
        while (holidays.isHoliday(day) || holidays.isHoliday(day.plusDays(reminderDays))) {
            day = day.plusWeeks(1);
        }
        return day;
    }
}
