package io.uptake.campaign;

import io.micronaut.serde.annotation.Serdeable;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * When texts may go out, in the service's wall-clock time (the zone of {@link BankHolidays#zone()}, which is
 * {@code uptake.timezone}): the days, the hours [from, to), and whether bank holidays are skipped. Default: NHS Notify's weekdays 08:00 to 18:00 without bank holidays.
 */
@Serdeable
public record SendWindow(List<DayOfWeek> days, LocalTime from, LocalTime to, boolean skipBankHolidays) {
    /** A window open on no day at all would defer forever; a year is far past any real gap. */
    private static final int MAX_DAYS_AHEAD = 366;

    public static SendWindow standard() {
        return new SendWindow(List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY), LocalTime.of(8, 0), LocalTime.of(18, 0), true);
    }

    public boolean isOpen(Instant at, BankHolidays holidays) {
        ZonedDateTime local = at.atZone(holidays.zone());
        LocalTime time = local.toLocalTime();
        return isOpenDay(local.toLocalDate(), holidays) && !time.isBefore(from) && time.isBefore(to);
    }

    /** {@code at} itself when the window is open then, otherwise the start of the next open slot. */
    public Instant nextOpen(Instant at, BankHolidays holidays) {
        if (isOpen(at, holidays)) {
            return at;
        }
        ZonedDateTime local = at.atZone(holidays.zone());
        LocalDate day = local.toLocalDate();
        if (!local.toLocalTime().isBefore(from)) {
            day = day.plusDays(1);
        }
        for (int i = 0; i <= MAX_DAYS_AHEAD; i++, day = day.plusDays(1)) {
            if (isOpenDay(day, holidays)) {
                // atZone resolves a from-time inside a spring-forward gap to the first valid instant.
                return day.atTime(from).atZone(holidays.zone()).toInstant();
            }
        }
        throw new IllegalStateException("The send window never opens in the next year");
    }

    private boolean isOpenDay(LocalDate day, BankHolidays holidays) {
        Set<DayOfWeek> open = days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days);
        return open.contains(day.getDayOfWeek()) && !(skipBankHolidays && holidays.isHoliday(day));
    }
}
