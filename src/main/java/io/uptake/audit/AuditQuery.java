package io.uptake.audit;

import io.micronaut.core.annotation.Nullable;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * A page of the audit trail, as asked for: filters by user, action and dates (London days, both ends included),
 * a 0-based page and a bounded page size. {@link #parse} is the rule for what may be asked, with the field named
 * in the refusal.
 */
record AuditQuery(@Nullable String user, @Nullable String action, @Nullable LocalDate from, @Nullable LocalDate to,
                  int page, int size) {
    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 200;
    /** Far beyond any real trail at the largest page size; keeps page * size well inside a long. */
    static final int MAX_PAGE = 100_000;

    static AuditQuery parse(@Nullable String user, @Nullable String action, @Nullable String from, @Nullable String to,
                            @Nullable String page, @Nullable String size) {
        int p = number("page", page, 0, 0, MAX_PAGE);
        int s = number("size", size, DEFAULT_SIZE, 1, MAX_SIZE);
        LocalDate f = date("from", from);
        LocalDate t = date("to", to);
        if (f != null && t != null && t.isBefore(f)) {
            throw new IllegalArgumentException("to: must not be before from");
        }
        return new AuditQuery(blankToNull(user), blankToNull(action) == null ? null : action.trim().toUpperCase(), f, t, p, s);
    }

    long offset() {
        return (long) page * size;
    }

    private static int number(String field, @Nullable String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(field + ": a whole number from " + min + " to " + max);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": a whole number from " + min + " to " + max);
        }
    }

    @Nullable
    private static LocalDate date(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": a date as YYYY-MM-DD");
        }
    }

    @Nullable
    private static String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
