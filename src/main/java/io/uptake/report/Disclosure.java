package io.uptake.report;

/**
 * What a count looks like when it leaves the PCN. Internal reports show every count as it is. In
 * publication mode a count in the small range (default 1 to 7) is withheld (null) and every other count
 * is rounded to a multiple of {@code roundTo} (default 5), totals included. Totals are computed from the
 * raw records and then rounded on their own, never summed from the published cells, so a withheld cell
 * cannot be recovered by subtracting the shown cells from an exact total. Rates and intervals are then
 * computed from the published counts only, because a rate from raw counts would give them back.
 */
record Disclosure(boolean publication, int suppressFrom, int suppressTo, int roundTo) {

    static Disclosure internal() {
        return new Disclosure(false, 0, 0, 1);
    }

    static Disclosure publication(ReportSettings settings) {
        return new Disclosure(true, settings.getSuppressFrom(), settings.getSuppressTo(),
                Math.max(1, settings.getRoundTo()));
    }

    /** The published form of a raw count: itself, null (withheld), or rounded. */
    Long count(Long raw) {
        if (raw == null || !publication) {
            return raw;
        }
        if (raw >= suppressFrom && raw <= suppressTo) {
            return null;
        }
        return Math.round((double) raw / roundTo) * roundTo;
    }

    /** Whether a statistic computed from {@code contributors} records may be shown. */
    boolean mayShowStatisticOf(long contributors) {
        return !publication || contributors == 0 || contributors > suppressTo;
    }
}
