package io.uptake.campaign;

import io.micronaut.core.annotation.Nullable;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The pacing rule of a campaign's {@code dailyCap} (issue 15), as a pure function: texts a day across all its
 * waves; on each open sending day up to the cap of the texts already due go out, oldest first, and the rest wait
 * for the next open day. {@link #lastSendDay} is the date the review step shows for the last text.
 */
public final class DailyCap {
    /** Past this a plan is a mistake (a cap of 1 for a big cohort): the review says so rather than loop. */
    static final int MAX_DAYS = 3 * 366;

    private DailyCap() {
    }

    /** One wave's texts, due from {@code day} (London date). */
    public record Wave(LocalDate day, long texts) {
    }

    /** Why a cap cannot be used, or null when it can (null cap: no cap). */
    public static String problem(@Nullable Integer cap) {
        return cap != null && cap < 1 ? "must be a whole number of texts a day, 1 or more" : null;
    }

    /**
     * How many texts a capped campaign may take for sending now: what it wants, up to what is left of its cap for the
     * day ({@code taken}: texts already taken today, by every instance). Never negative: a count above the cap (a
     * cap read before a give-back) allows nothing.
     */
    public static int allowance(int cap, long taken, int wanted) {
        if (cap < 1 || wanted < 0) {
            throw new IllegalArgumentException("cap " + cap + " and wanted " + wanted);
        }
        return (int) Math.max(0, Math.min(wanted, cap - taken));
    }

    /**
     * The London date the last text goes, or null when nothing will be sent.
     *
     * @param cap     texts a day across every wave; null for no cap
     * @param openDay whether texts may go on a day (the send window's days and bank holidays)
     * @throws IllegalArgumentException when the cap is below 1, or the texts would take more than three years
     */
    public static LocalDate lastSendDay(List<Wave> waves, @Nullable Integer cap, Predicate<LocalDate> openDay) {
        String problem = problem(cap);
        if (problem != null) {
            throw new IllegalArgumentException("dailyCap " + problem);
        }
        List<Wave> due = new ArrayList<>(waves.stream().filter(w -> w.texts() > 0).toList());
        if (due.isEmpty()) {
            return null;
        }
        due.sort(Comparator.comparing(Wave::day));
        LocalDate first = due.get(0).day();
        long waiting = 0;
        int next = 0;
        for (LocalDate day = first; ChronoUnit.DAYS.between(first, day) <= MAX_DAYS; day = day.plusDays(1)) {
            while (next < due.size() && !due.get(next).day().isAfter(day)) {
                waiting += due.get(next++).texts();
            }
            if (waiting > 0 && openDay.test(day)) {
                waiting -= cap == null ? waiting : Math.min(cap, waiting);
                if (waiting == 0 && next == due.size()) {
                    return day;
                }
            }
        }
        throw new IllegalArgumentException("at this daily cap the texts would take more than three years to send");
    }

    /** {@link #lastSendDay} with a campaign's send window and the bank holiday calendar. */
    public static LocalDate lastSendDay(List<Wave> waves, @Nullable Integer cap, SendWindow window, BankHolidays holidays) {
        return lastSendDay(waves, cap, d -> window.isOpen(d.atTime(window.from()).atZone(holidays.zone()).toInstant(),
                holidays));
    }
}
