package io.uptake.export;

import io.micronaut.core.annotation.Nullable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;

/**
 * The CSV every export writes, made safe to open in a spreadsheet: a text cell that starts with
 * = + - @, a tab or a carriage return would be run as a formula (CSV injection), so it gets a leading
 * apostrophe, which spreadsheets read as "this is text". Numbers and dates are written as they are; every
 * cell whose text came from outside (imports, replies, names) goes through {@link #text}.
 */
public final class SpreadsheetCsv {
    private static final String FORMULA_STARTS = "=+-@\t\r";

    private SpreadsheetCsv() {
    }

    /** A printer writing the header line first. */
    public static CSVPrinter printer(Appendable out, String... header) throws IOException {
        return CSVFormat.DEFAULT.builder().setHeader(header).get().print(out);
    }

    /** The value defused for a spreadsheet; empty for null. */
    public static String text(@Nullable String value) {
        if (value == null) {
            return "";
        }
        return !value.isEmpty() && FORMULA_STARTS.indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }
}
