package io.uptake.time;

import io.micronaut.core.annotation.Nullable;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NHS.UK three-field date input (day, month, year) read as a date, with the design system's error messages
 * ("Cohort date must include a month", "must be a real date", "Year must include 4 numbers"), and which of the
 * three boxes the error is about, so that only those are outlined. A pure rule (DateInputTest).
 * All three left blank is not an error: the form's default applies (today for the cohort, now for the start).
 */
public final class DateInput {
    public static final String DAY = "day";
    public static final String MONTH = "month";
    public static final String YEAR = "year";

    /**
     * A date, or a problem with the boxes it is about ({@code parts} empty: the date as a whole), or neither
     * (all blank).
     */
    public record Read(@Nullable LocalDate date, @Nullable String problem, List<String> parts) {
        public boolean blank() {
            return date == null && problem == null;
        }
    }

    private DateInput() {
    }

    /** {@code label}: the date's name at the start of a sentence, for example "Cohort date". */
    public static Read read(String label, @Nullable String day, @Nullable String month, @Nullable String year) {
        String d = strip(day);
        String m = strip(month);
        String y = strip(year);
        if (d.isEmpty() && m.isEmpty() && y.isEmpty()) {
            return new Read(null, null, List.of());
        }
        List<String> missing = new ArrayList<>();
        if (d.isEmpty()) {
            missing.add(DAY);
        }
        if (m.isEmpty()) {
            missing.add(MONTH);
        }
        if (y.isEmpty()) {
            missing.add(YEAR);
        }
        if (!missing.isEmpty()) {
            return new Read(null, label + " must include a " + String.join(" and ", missing), missing);
        }
        if (!d.matches("\\d{1,2}") || !m.matches("\\d{1,2}") || !y.matches("\\d+")) {
            return new Read(null, label + " must be a real date", List.of());
        }
        if (y.length() != 4) {
            return new Read(null, "Year must include 4 numbers", List.of(YEAR));
        }
        try {
            return new Read(LocalDate.of(Integer.parseInt(y), Integer.parseInt(m), Integer.parseInt(d)), null, List.of());
        } catch (DateTimeException e) {
            return new Read(null, label + " must be a real date", List.of());
        }
    }

    /**
     * The three boxes, or, when all three are blank, a date as {@code 2026-03-02} from a link the page made itself
     * (its filters, pages and downloads carry the date that way). Neither: blank.
     */
    public static Read readOrIso(String label, @Nullable String day, @Nullable String month, @Nullable String year,
                                 @Nullable String iso) {
        Read boxes = read(label, day, month, year);
        if (!boxes.blank() || strip(iso).isEmpty()) {
            return boxes;
        }
        try {
            return new Read(LocalDate.parse(strip(iso)), null, List.of());
        } catch (DateTimeException e) {
            return new Read(null, label + " must be a real date", List.of());
        }
    }

    /** The boxes to show again: what was typed when there is a problem (so nothing typed is lost), else the date's. */
    public static String[] shown(Read read, @Nullable String day, @Nullable String month, @Nullable String year) {
        return read.problem() != null ? new String[] {strip(day), strip(month), strip(year)} : parts(read.date());
    }

    /** The id of the box an error summary's link goes to: the first box the problem is about, else the day. */
    public static String anchor(String id, Read read) {
        return id + "-" + (read.parts().isEmpty() ? DAY : read.parts().get(0));
    }

    /** A time of day typed as people write it, or a problem, or neither (blank). */
    public record Time(@Nullable LocalTime time, @Nullable String problem) {
    }

    private static final Pattern TIME = Pattern.compile("(\\d{1,2})(?:[:.](\\d{2}))?\\s*(am|pm)?");

    /** "14:30", "9:30", "9.30am", "2:30pm", "9am", "12pm" (noon), "12am" (midnight); blank for none. */
    public static Time time(@Nullable String typed) {
        String t = strip(typed).toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        if (t.isEmpty()) {
            return new Time(null, null);
        }
        Matcher m = TIME.matcher(t);
        String problem = "Enter the start time as a time of day, for example 9:30am or 14:30";
        if (!m.matches() || (m.group(2) == null && m.group(3) == null)) {
            return new Time(null, problem);
        }
        int hour = Integer.parseInt(m.group(1));
        int minute = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        if (m.group(3) != null) {
            if (hour < 1 || hour > 12) {
                return new Time(null, problem);
            }
            hour = hour % 12 + ("pm".equals(m.group(3)) ? 12 : 0);
        }
        if (hour > 23 || minute > 59) {
            return new Time(null, problem);
        }
        return new Time(LocalTime.of(hour, minute), null);
    }

    /** The three boxes' values for a date (to fill the form again), blank for none. */
    public static String[] parts(@Nullable LocalDate date) {
        return date == null ? new String[] {"", "", ""}
                : new String[] {String.valueOf(date.getDayOfMonth()), String.valueOf(date.getMonthValue()),
                String.valueOf(date.getYear())};
    }

    private static String strip(@Nullable String s) {
        return s == null ? "" : s.strip();
    }
}
