package io.uptake.importing;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The answer to an import: counts, and the first rejected rows (all of them in the CSV download); then the values
 * left out of rows that were imported without them ({@code valuesLeftOut}, the first of them in {@code leftOut}).
 */
@Serdeable
public record ImportResult(long id, String kind, long received, long inserted, long updated, long unchanged,
                           long rejected, List<ImportError> errors, String rejectedCsv, long valuesLeftOut,
                           List<ImportError> leftOut) {

    /** A rejected row or a value left out: its line in the file (the header is line 1), the column at fault and why. */
    @Serdeable
    public record ImportError(long line, String field, String message) {
    }
}
