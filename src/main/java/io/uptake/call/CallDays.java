package io.uptake.call;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which working day each new call task is for, as a pure rule: the tasks in the order given (oldest index date
 * first) fill the first working day on or after {@code from} up to {@code perDay} calls, counting the PCN's open
 * tasks already due that day, then the next working day, and so on. A working day is Monday to Friday and not a
 * bank holiday.
 */
final class CallDays {
    private CallDays() {
    }

    static boolean workingDay(LocalDate day, Predicate<LocalDate> holiday) {
        return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY
                && !holiday.test(day);
    }

    /**
     * @param tasks        how many new tasks, in the order they are to be called
     * @param from         the day the call wave falls due
     * @param perDay       calls the PCN makes in a working day (at least 1)
     * @param alreadyDue   the PCN's open tasks due on each day (from other campaigns, or earlier lists)
     * @param holiday      bank holidays
     */
    static List<LocalDate> assign(int tasks, LocalDate from, int perDay, Map<LocalDate, Integer> alreadyDue,
                                  Predicate<LocalDate> holiday) {
        if (perDay < 1) {
            throw new IllegalArgumentException("calls per day must be at least 1, not " + perDay);
        }
        List<LocalDate> out = new ArrayList<>(tasks);
        Map<LocalDate, Integer> used = new HashMap<>(alreadyDue);
        LocalDate day = from;
        while (out.size() < tasks) {
            if (workingDay(day, holiday) && used.getOrDefault(day, 0) < perDay) {
                out.add(day);
                used.merge(day, 1, Integer::sum);
            } else {
                day = day.plusDays(1);
            }
        }
        return out;
    }
}
